package io.alexnet.graph;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The constants of local response normalization (Section 3.3) in TensorFlow's terms, and
 * whether one window runs over both towers' maps.
 *
 * <pre>
 *   y_i = x_i / (bias + alpha * sum over j in [i - depthRadius, i + depthRadius] of x_j^2)^beta
 * </pre>
 *
 * The paper's n = 5 is a radius of 2; its alpha multiplies the sum directly. Caffe (and ONNX)
 * divide their alpha by the window size, so their alpha is n times this one.
 *
 * @param acrossTowers false: each tower normalizes its own maps, as the paper's per-GPU layers
 *     did; true: the towers' maps are joined and normalized as one stack, as Caffe's single
 *     LRN layer over a grouped convolution does (BVLC's model)
 */
public record LrnSettings(long depthRadius, float bias, float alpha, float beta,
    boolean acrossTowers) {

  /** The paper's k = 2, n = 5, alpha = 1e-4, beta = 0.75, per tower. */
  public static final LrnSettings PAPER = new LrnSettings(2, 2f, 1e-4f, 0.75f, false);

  public LrnSettings {
    if (depthRadius < 0 || !(bias > 0) || !(alpha >= 0) || !(beta >= 0)) {
      throw new IllegalArgumentException("LRN needs depth radius >= 0, bias > 0, alpha >= 0 and"
          + " beta >= 0; got " + depthRadius + ", " + bias + ", " + alpha + ", " + beta);
    }
  }

  /**
   * Caffe's (and ONNX's) LRN layer: {@code localSize} channels, {@code alpha} divided by the
   * window size, over the whole stack. The division is taken on the decimals the floats stand
   * for, so Caffe's 1e-4 over 5 channels is exactly the float 2e-5.
   */
  public static LrnSettings caffe(long localSize, float alpha, float beta, float k) {
    if (localSize < 1 || localSize % 2 == 0) {
      throw new IllegalArgumentException("LRN local_size must be odd and positive, got "
          + localSize);
    }
    float perSum = new BigDecimal(Float.toString(alpha))
        .divide(BigDecimal.valueOf(localSize), java.math.MathContext.DECIMAL64).floatValue();
    return new LrnSettings((localSize - 1) / 2, k, perSum, beta, true);
  }

  /** The window size n: the radius on each side and the channel itself. */
  public long size() {
    return 2 * depthRadius + 1;
  }

  /** Caffe's and ONNX's alpha: this one times the window size, on the decimal, rounded once. */
  public float caffeAlpha() {
    return new BigDecimal(Float.toString(alpha)).multiply(BigDecimal.valueOf(size()))
        .floatValue();
  }

  public LrnSettings withAcrossTowers(boolean across) {
    return new LrnSettings(depthRadius, bias, alpha, beta, across);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "k=%s n=%d alpha=%s beta=%s%s", bias, size(), alpha, beta,
        acrossTowers ? " across towers" : "");
  }
}
