package io.alexnet.runtime;

import io.alexnet.graph.FloatType;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Copies between Java arrays and tensors in the network's float type. The caller owns (and
 * closes) every tensor returned.
 */
public final class HostTensors {
  private HostTensors() {}

  /** A float tensor of the given type holding {@code values} (row-major). */
  public static Tensor of(FloatType type, Shape shape, double[] values) {
    check(shape, values.length);
    if (type == FloatType.FLOAT64) {
      return TFloat64.tensorOf(shape, DataBuffers.of(values, true, false));
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return TFloat32.tensorOf(shape, DataBuffers.of(f, true, false));
  }

  public static TFloat32 of(Shape shape, float[] values) {
    check(shape, values.length);
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  public static TInt32 of(Shape shape, int[] values) {
    check(shape, values.length);
    return TInt32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /** The values of a float32 or float64 tensor as doubles (row-major). */
  public static double[] doubles(Tensor t) {
    double[] out = new double[Math.toIntExact(t.shape().size())];
    if (t instanceof TFloat64 d) {
      d.copyTo(DataBuffers.of(out, false, false));
    } else if (t instanceof TFloat32 f) {
      float[] tmp = floats(f);
      for (int i = 0; i < out.length; i++) {
        out[i] = tmp[i];
      }
    } else {
      throw new IllegalArgumentException("not a float tensor: " + t.dataType());
    }
    return out;
  }

  public static float[] floats(TFloat32 t) {
    float[] out = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static int[] ints(TInt32 t) {
    int[] out = new int[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static void check(Shape shape, int n) {
    if (shape.size() != n) {
      throw new IllegalArgumentException(
          "shape " + shape + " holds " + shape.size() + " values, got " + n);
    }
  }
}
