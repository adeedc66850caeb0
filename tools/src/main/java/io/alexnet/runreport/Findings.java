package io.alexnet.runreport;

import io.alexnet.features.Nearest;
import io.alexnet.eval.EvalResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a report shows about a model's predictions: the errors with their uncertainty, the
 * confusion matrix with each class's precision and recall, the most confidently wrong and
 * right images, and for a few images their nearest neighbours by fc7.
 */
final class Findings {
  private Findings() {}

  /** An image and what the model made of it: predicted class and its probability. */
  record Pick(ModelPass.Seen seen, int predicted, float probability) {}

  /** A query image and the index images closest to it in fc7, nearest first. */
  record Neighbours(ModelPass.Seen query, List<ModelPass.Seen> nearest, List<Double> distances) {}

  /** Top-1/top-5 error and confusion over the labelled images. */
  static EvalResult errors(List<ModelPass.Seen> seen, int classes, double seconds) {
    long[][] confusion = new long[classes][classes];
    long top5 = 0;
    int n = 0;
    for (ModelPass.Seen s : seen) {
      if (s.label() < 0 || s.label() >= classes) {
        continue;
      }
      confusion[s.label()][s.predicted()]++;
      top5 += s.top5() ? 1 : 0;
      n++;
    }
    return EvalResult.of(n, 0, top5, confusion, seconds);
  }

  /**
   * The {@code k} wrong predictions made with the highest probability on the wrong class: the
   * mistakes the model is surest of.
   */
  static List<Pick> mostConfidentlyWrong(List<ModelPass.Seen> seen, int k) {
    return seen.stream().filter(s -> s.label() >= 0 && s.predicted() != s.label())
        .map(s -> new Pick(s, s.predicted(), s.probabilities()[s.predicted()]))
        .sorted(Comparator.comparingDouble((Pick p) -> -p.probability())).limit(k).toList();
  }

  /** The {@code k} right predictions made with the highest probability. */
  static List<Pick> mostConfidentlyRight(List<ModelPass.Seen> seen, int k) {
    return seen.stream().filter(s -> s.label() >= 0 && s.predicted() == s.label())
        .map(s -> new Pick(s, s.predicted(), s.probabilities()[s.predicted()]))
        .sorted(Comparator.comparingDouble((Pick p) -> -p.probability())).limit(k).toList();
  }

  /** Per class: precision (of the images predicted as it) and recall (of its images). */
  static double[][] precisionRecall(long[][] confusion) {
    int c = confusion.length;
    double[][] out = new double[c][2];
    for (int i = 0; i < c; i++) {
      long predicted = 0, actual = 0;
      for (int j = 0; j < c; j++) {
        predicted += confusion[j][i];
        actual += confusion[i][j];
      }
      out[i][0] = predicted == 0 ? Double.NaN : (double) confusion[i][i] / predicted;
      out[i][1] = actual == 0 ? Double.NaN : (double) confusion[i][i] / actual;
    }
    return out;
  }

  /**
   * The Wilson score interval at 95% for a proportion of {@code p} over {@code n} trials,
   * {low, high}: unlike p +- 1.96 sqrt(p(1-p)/n) it stays inside [0, 1] and is sound for small
   * n and for p near 0 or 1.
   */
  static double[] wilson95(double p, int n) {
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double z = 1.959964, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /** For each query, the {@code k} index images nearest in fc7 (Euclidean). */
  static List<Neighbours> nearest(List<ModelPass.Seen> queries, List<ModelPass.Seen> index,
      int k) {
    List<float[]> rows = index.stream().map(ModelPass.Seen::fc7).toList();
    List<Neighbours> out = new ArrayList<>();
    for (ModelPass.Seen q : queries) {
      List<Nearest.Hit> hits = Nearest.of(q.fc7(), rows, k);
      out.add(new Neighbours(q, hits.stream().map(h -> index.get(h.row())).toList(),
          hits.stream().map(Nearest.Hit::distance).toList()));
    }
    return out;
  }
}
