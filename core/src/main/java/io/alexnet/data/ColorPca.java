package io.alexnet.data;

import java.util.Random;

/**
 * Section 4.1's colour augmentation. Over the training set, the eigenvectors p_i and eigenvalues
 * l_i of the 3x3 covariance of RGB values; per image and presentation, a_i ~ N(0, 0.1) and
 * [p1 p2 p3][a1 l1, a2 l2, a3 l3]^T is added to every pixel.
 *
 * <p>The covariance is of values scaled to 0..1, as the common reimplementations (Caffe, Torch)
 * do: in 0..255 units the eigenvalues are ~65,000 times larger and the formula would shift
 * pixels by hundreds. Offsets are returned in 0..255 units.
 *
 * @param eigenvalues l1 >= l2 >= l3
 * @param eigenvectors eigenvectors[i] is p_(i+1), unit length
 */
public record ColorPca(double[] eigenvalues, double[][] eigenvectors) {

  public static final double ALPHA_STD = 0.1;

  /** From a covariance matrix of 0..1 RGB values. */
  public static ColorPca ofCovariance(double[][] cov) {
    double[][] a = {cov[0].clone(), cov[1].clone(), cov[2].clone()};
    double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    // Cyclic Jacobi rotations: exact enough after a few sweeps for a 3x3 symmetric matrix.
    for (int sweep = 0; sweep < 50; sweep++) {
      double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < 2; p++) {
        for (int q = p + 1; q < 3; q++) {
          if (Math.abs(a[p][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int k = 0; k < 3; k++) {
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < 3; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < 3; k++) {
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = {0, 1, 2};
    java.util.Arrays.sort(order, (i, j) -> Double.compare(a[j][j], a[i][i]));
    double[] values = new double[3];
    double[][] vectors = new double[3][3];
    for (int i = 0; i < 3; i++) {
      values[i] = a[order[i]][order[i]];
      for (int k = 0; k < 3; k++) {
        vectors[i][k] = v[k][order[i]];
      }
    }
    return new ColorPca(values, vectors);
  }

  /** The RGB offset for one presentation of one image, in 0..255 units. */
  public float[] sample(Random rnd) {
    double[] alpha = {rnd.nextGaussian() * ALPHA_STD, rnd.nextGaussian() * ALPHA_STD,
        rnd.nextGaussian() * ALPHA_STD};
    return offset(alpha);
  }

  /** sum_i p_i * alpha_i * l_i, times 255. */
  public float[] offset(double[] alpha) {
    float[] out = new float[3];
    for (int c = 0; c < 3; c++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += eigenvectors[i][c] * alpha[i] * eigenvalues[i];
      }
      out[c] = (float) (s * 255);
    }
    return out;
  }
}
