package io.alexnet.runtime;

/**
 * What a session's convolutions and matrix products run in, once a {@link Precision} meets a
 * machine. Each mixed kind is one of TensorFlow's grappler rewrites: the graph this project
 * builds stays float32, and the rewrite inserts the casts when the session first runs it.
 */
public enum Arithmetic {
  FLOAT32("float32", "float32"),
  /** oneDNN's bfloat16 kernels (AVX512_BF16, AMX); bfloat16 keeps float32's range. */
  BFLOAT16("mixed", "bfloat16 compute through oneDNN, float32 variables"),
  /** CUDA's float16 kernels; float16's narrow range needs the loss scaled. */
  FLOAT16("mixed", "float16 compute on the GPU, float32 variables"),
  /**
   * Grappler's CPU emulation of the CUDA rewrite: float16 ops on the CPU, slow, for testing
   * on a machine without a GPU what the GPU rewrite and loss scaling do.
   */
  FLOAT16_CPU_EMULATION("mixed", "float16 compute emulated on the CPU, float32 variables");

  private final String precision;
  private final String description;

  Arithmetic(String precision, String description) {
    this.precision = precision;
    this.description = description;
  }

  /** The precision this is: FLOAT32 or MIXED. */
  public Precision precision() {
    return Precision.parse(precision);
  }

  /** One phrase for headers and reports, e.g. "bfloat16 compute through oneDNN, ...". */
  public String description() {
    return description;
  }

  /**
   * Float16's largest value is 65504 and its smallest normal 6e-5: small gradients vanish
   * unless the loss is scaled up before differentiation (Micikevicius et al. 2018).
   * Bfloat16 has float32's exponent and needs no scaling.
   */
  public boolean needsLossScaling() {
    return this == FLOAT16 || this == FLOAT16_CPU_EMULATION;
  }
}
