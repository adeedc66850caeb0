package io.alexnet.eval;

/** Top-k arithmetic over rows of class scores. */
public final class TopK {
  private TopK() {}

  /** Whether {@code label} is among the k highest of {@code scores[row]} (ties count as hits). */
  public static boolean hit(float[] scores, int row, int classes, int label, int k) {
    int base = row * classes;
    float mine = scores[base + label];
    int higher = 0;
    for (int c = 0; c < classes; c++) {
      if (scores[base + c] > mine) {
        higher++;
      }
    }
    return higher < k;
  }

  /** Index of the highest score in a row (the first of equals). */
  public static int argmax(float[] scores, int row, int classes) {
    int base = row * classes, best = 0;
    for (int c = 1; c < classes; c++) {
      if (scores[base + c] > scores[base + best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Top-1 and top-5 hits of a batch, as training and evaluation both count them.
   *
   * @param top1 rows whose highest score is the label's
   * @param top5 rows whose label is among the five highest
   */
  public record Hits(int top1, int top5) {}

  /** Counts {@code n} rows of {@code scores} ({@code classes} wide) against their labels. */
  public static Hits hits(float[] scores, int[] labels, int n, int classes) {
    int top1 = 0, top5 = 0;
    for (int i = 0; i < n; i++) {
      top1 += argmax(scores, i, classes) == labels[i] ? 1 : 0;
      top5 += hit(scores, i, classes, labels[i], 5) ? 1 : 0;
    }
    return new Hits(top1, top5);
  }

  /** The k best class ids of a row, best first. */
  public static int[] top(float[] scores, int row, int classes, int k) {
    int n = Math.min(k, classes);
    int[] out = new int[n];
    boolean[] taken = new boolean[classes];
    for (int i = 0; i < n; i++) {
      int best = -1;
      for (int c = 0; c < classes; c++) {
        if (!taken[c] && (best < 0 || scores[row * classes + c] > scores[row * classes + best])) {
          best = c;
        }
      }
      taken[best] = true;
      out[i] = best;
    }
    return out;
  }
}
