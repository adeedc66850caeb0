package io.alexnet.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The nearest rows to a query by Euclidean distance: how the paper (Section 6.1, Figure 4)
 * finds the training images a network sees as alike, from their fc7 activations.
 */
public final class Nearest {
  private Nearest() {}

  /** A row of the index and its distance to the query. */
  public record Hit(int row, double distance) {}

  /**
   * The {@code k} rows of {@code index} nearest to {@code query}, nearest first.
   *
   * @param query a row
   * @param index rows of the same width
   * @param k how many
   * @return the nearest rows, nearest first
   */
  public static List<Hit> of(float[] query, List<float[]> index, int k) {
    List<Hit> all = new ArrayList<>(index.size());
    for (int i = 0; i < index.size(); i++) {
      float[] b = index.get(i);
      if (b.length != query.length) {
        throw new IllegalArgumentException("rows of " + b.length + " and " + query.length
            + " values");
      }
      double d = 0;
      for (int j = 0; j < b.length; j++) {
        double t = query[j] - b[j];
        d += t * t;
      }
      all.add(new Hit(i, Math.sqrt(d)));
    }
    all.sort(Comparator.comparingDouble(Hit::distance));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }
}
