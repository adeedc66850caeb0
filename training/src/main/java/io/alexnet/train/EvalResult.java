package io.alexnet.train;

/**
 * Top-1 and top-5 error over a dataset, with the confusion matrix.
 *
 * @param confusion confusion[true][predicted] counts
 */
public record EvalResult(
    int examples, int bad, double top1Error, double top5Error, long[][] confusion,
    double seconds) {

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
