package io.alexnet.report;


/** The statistics a report shows beside the errors: their uncertainty, precision and recall. */
final class Findings {
  private Findings() {}

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
}
