package io.alexnet.report;

import io.alexnet.eval.EvalListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Collects, during an evaluation's own pass, what a report shows besides the numbers: the
 * images the model gets most confidently wrong and most confidently right over the whole set.
 * It keeps only those, so it costs nothing to speak of on a set of any size. Thread-safe: an
 * evaluation may call it from several threads.
 */
public final class ReportCollector implements EvalListener {

  /**
   * An image, its label, the class predicted and its probability.
   *
   * @param index the image's index in the dataset
   * @param label its label
   * @param predicted the most probable class
   * @param probability that class's probability
   */
  public record Pick(int index, int label, int predicted, float probability) {}

  // Best first: higher probability, then the earlier image.
  private static final Comparator<Pick> BEST_FIRST = Comparator
      .comparingDouble((Pick p) -> -p.probability()).thenComparingInt(Pick::index);

  private final int keep;
  private final PriorityQueue<Pick> wrong;
  private final PriorityQueue<Pick> right;

  /**
   * Keeps the {@code keep} most confident mistakes and the {@code keep} most confident hits.
   *
   * @param keep how many of each to keep
   */
  public ReportCollector(int keep) {
    this.keep = keep;
    // Worst first, so the head is the one to drop.
    wrong = new PriorityQueue<>(BEST_FIRST.reversed());
    right = new PriorityQueue<>(BEST_FIRST.reversed());
  }

  @Override
  public synchronized void batch(int[] indices, int[] labels, float[] probabilities, int n) {
    int classes = probabilities.length / Math.max(1, n);
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        continue;
      }
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (probabilities[i * classes + c] > probabilities[i * classes + best]) {
          best = c;
        }
      }
      Pick p = new Pick(indices[i], labels[i], best, probabilities[i * classes + best]);
      offer(best == labels[i] ? right : wrong, p);
    }
  }

  private void offer(PriorityQueue<Pick> q, Pick p) {
    q.add(p);
    if (q.size() > keep) {
      q.poll();
    }
  }

  /**
   * The mistakes made with the highest probability on the wrong class, surest first.
   *
   * @return at most the kept number of mistakes
   */
  public synchronized List<Pick> mostConfidentlyWrong() {
    return sorted(wrong);
  }

  /**
   * The right answers made with the highest probability, surest first.
   *
   * @return at most the kept number of right answers
   */
  public synchronized List<Pick> mostConfidentlyRight() {
    return sorted(right);
  }

  private static List<Pick> sorted(PriorityQueue<Pick> q) {
    List<Pick> out = new ArrayList<>(q);
    out.sort(BEST_FIRST);
    return out;
  }
}
