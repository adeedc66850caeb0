package io.alexnet.graph;

import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;

/**
 * Floating-point type of the network. FLOAT64 exists for gradient checks against finite
 * differences: the graph is then float64 throughout.
 */
public enum FloatType {
  FLOAT32(TFloat32.class),
  FLOAT64(TFloat64.class);

  private final Class<? extends TFloating> type;

  FloatType(Class<? extends TFloating> type) {
    this.type = type;
  }

  @SuppressWarnings("unchecked")
  public <T extends TFloating> Class<T> type() {
    return (Class<T>) type;
  }
}
