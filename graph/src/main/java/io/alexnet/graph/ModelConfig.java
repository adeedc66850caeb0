package io.alexnet.graph;

import io.alexnet.runtime.Arithmetic;

/**
 * Everything that decides the shape and the starting point of the network. Immutable; start
 * from {@link #builder()} (the paper's model for 1000 classes) and change what differs.
 *
 * @param variant two towers as in the paper, or one
 * @param classes size of the last layer (1000 for ImageNet)
 * @param imageSize input height and width; 227 makes conv1's stride-4 11x11 kernels give 55x55
 * @param width multiplier on every layer's kernels and units: 1 is the paper, less makes the
 *     small models the tests train
 * @param floatType the graph's values: float32, or float64 for gradient checks
 * @param init how weights are drawn
 * @param hiddenBias the bias of conv2, conv4, conv5, fc6 and fc7 (Section 5: 1, "to accelerate
 *     the early stages of learning by providing the ReLUs with positive inputs"); the others
 *     start at 0
 * @param seed seed of every random op (initial weights and dropout masks)
 * @param devices where the towers run
 * @param lrn the LRN layers' constants (the paper's, or an imported model's)
 * @param arithmetic what the session running the graph computes in: set by whoever opens that
 *     session, not part of the model (runs and checkpoints do not record it). BFLOAT16 gives
 *     conv1 a zero fourth input channel (see {@link AlexNet}); the rest builds the same graph
 */
public record ModelConfig(
    Variant variant,
    int classes,
    int imageSize,
    double width,
    FloatType floatType,
    WeightInit init,
    double hiddenBias,
    long seed,
    DevicePlan devices,
    LrnSettings lrn,
    Arithmetic arithmetic) {

  public ModelConfig {
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be at least 2, got " + classes);
    }
    if (!(width > 0 && width <= 1)) {
      throw new IllegalArgumentException("width must be in (0, 1], got " + width);
    }
    if (LayerSizes.spatial(imageSize).pool5() < 1) {
      throw new IllegalArgumentException(
          "imageSize " + imageSize + " is too small: the network needs at least 67 pixels"
              + " (227 in the paper)");
    }
  }

  /** The paper's layer widths (Section 3.5, Figure 2), scaled by {@link #width()}. */
  public LayerSizes sizes() {
    return LayerSizes.of(width, variant.towers());
  }

  /**
   * The same network with no device pins: a model opened for inference, export or import
   * must load on any host, not only on the devices it was trained on.
   */
  public ModelConfig unpinned() {
    return toBuilder().devices(DevicePlan.unpinned()).build();
  }

  /** The same network, its graph built for a session computing in {@code a}. */
  public ModelConfig withArithmetic(Arithmetic a) {
    return toBuilder().arithmetic(a).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .variant(variant)
        .classes(classes)
        .imageSize(imageSize)
        .width(width)
        .floatType(floatType)
        .init(init)
        .hiddenBias(hiddenBias)
        .seed(seed)
        .devices(devices)
        .lrn(lrn)
        .arithmetic(arithmetic);
  }

  /** Builder whose defaults are the paper's model on 1000 classes, unpinned. */
  public static final class Builder {
    private Variant variant = Variant.PAPER;
    private int classes = 1000;
    private int imageSize = 227;
    private double width = 1.0;
    private FloatType floatType = FloatType.FLOAT32;
    private WeightInit init = WeightInit.PAPER;
    private double hiddenBias = 1.0;
    private long seed = 1;
    private DevicePlan devices = DevicePlan.unpinned();
    private LrnSettings lrn = LrnSettings.PAPER;
    private Arithmetic arithmetic = Arithmetic.FLOAT32;

    public Builder variant(Variant v) {
      variant = v;
      return this;
    }

    public Builder classes(int n) {
      classes = n;
      return this;
    }

    public Builder imageSize(int s) {
      imageSize = s;
      return this;
    }

    public Builder width(double w) {
      width = w;
      return this;
    }

    public Builder floatType(FloatType t) {
      floatType = t;
      return this;
    }

    public Builder init(WeightInit i) {
      init = i;
      return this;
    }

    public Builder hiddenBias(double b) {
      hiddenBias = b;
      return this;
    }

    public Builder seed(long s) {
      seed = s;
      return this;
    }

    public Builder devices(DevicePlan d) {
      devices = d;
      return this;
    }

    public Builder lrn(LrnSettings l) {
      lrn = l;
      return this;
    }

    public Builder arithmetic(Arithmetic a) {
      arithmetic = a;
      return this;
    }

    public ModelConfig build() {
      return new ModelConfig(
          variant, classes, imageSize, width, floatType, init, hiddenBias, seed, devices, lrn,
          arithmetic);
    }
  }
}
