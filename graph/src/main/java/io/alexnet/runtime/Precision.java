package io.alexnet.runtime;

import java.util.Locale;

/**
 * The precision a session computes in, as a user asks for it. Variables, checkpoints and
 * exported models are float32 whatever this says: only the arithmetic of convolutions and
 * matrix products changes. {@link Machine#arithmetic} turns it into what runs.
 */
public enum Precision {
  /** Mixed where this machine computes in 16 bits natively, float32 elsewhere. */
  AUTO,
  /** Float32 throughout, bit for bit as TensorFlow computes it. */
  FLOAT32,
  /** 16-bit compute (bfloat16 on a CPU, float16 on a GPU), float32 variables. */
  MIXED;

  /** The name flags and files use: auto, float32, mixed. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param s auto, float32 or mixed (any case)
   * @return the precision
   * @throws IllegalArgumentException naming the choices
   */
  public static Precision parse(String s) {
    for (Precision p : values()) {
      if (p.label().equalsIgnoreCase(s.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("precision '" + s + "': use auto, float32 or mixed");
  }
}
