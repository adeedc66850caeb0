package io.alexnet.runtime;

import java.util.Arrays;

/**
 * A float array held in Java with its shape, row-major: a variable's value copied out of
 * TensorFlow, or a weight laid out for another format.
 */
public record HostArray(long[] shape, float[] values) {

  public HostArray {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
          + " values, not " + values.length);
    }
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    return Math.toIntExact(shape[i]);
  }

  @Override
  public String toString() {
    return "HostArray" + Arrays.toString(shape);
  }
}
