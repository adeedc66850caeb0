package io.alexnet.eval;

/**
 * Top-1 and top-5 error over a dataset, with the confusion matrix.
 *
 * @param confusion confusion[true][predicted] counts
 * @param seconds the evaluation's wall time, from starting the loader to the last result
 * @param waitSeconds of that, the time the model sat waiting for decoded batches: near 0 when
 *     decoding keeps ahead, most of {@code seconds} when decoding is what limits the speed; NaN
 *     where not measured (results rebuilt from saved counts)
 */
public record EvalResult(
    int examples, int bad, double top1Error, double top5Error, long[][] confusion,
    double seconds, double waitSeconds) {

  /** A result from counts: top-1 comes from the confusion matrix's diagonal. */
  public static EvalResult of(int examples, int bad, long top5Hits, long[][] confusion,
      double seconds) {
    long top1 = 0;
    for (int c = 0; c < confusion.length; c++) {
      top1 += confusion[c][c];
    }
    return new EvalResult(examples, bad, examples == 0 ? Double.NaN : 1 - (double) top1 / examples,
        examples == 0 ? Double.NaN : 1 - (double) top5Hits / examples, confusion, seconds,
        Double.NaN);
  }

  /** Examples whose label was among the five most probable classes. */
  public long top5Hits() {
    return examples == 0 ? 0 : Math.round((1 - top5Error) * examples);
  }

  public double imagesPerSecond() {
    return seconds > 0 ? examples / seconds : 0;
  }

  /** Accuracy of each class (NaN for a class with no examples). */
  public double[] perClassAccuracy() {
    double[] acc = new double[confusion.length];
    for (int c = 0; c < confusion.length; c++) {
      long total = 0;
      for (long v : confusion[c]) {
        total += v;
      }
      acc[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
    }
    return acc;
  }
}
