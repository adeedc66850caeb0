package io.alexnet.onnx;

import io.alexnet.runtime.HostArray;
import java.util.ArrayList;
import java.util.List;

/**
 * How TensorFlow's weight layouts map onto the ones ONNX and Caffe use, both ways. Pure array
 * work, no graph: the exporter calls it per layer, and the importer the inverses.
 *
 * <ul>
 *   <li>Kernels: TensorFlow keeps [height, width, in, out] (HWIO), ONNX [out, in, height, width]
 *       (OIHW).
 *   <li>Towers: a layer's towers become one layer whose first half of output channels is tower
 *       A's. A grouped layer (ONNX {@code group = 2}) lets group g read the g-th half of its
 *       inputs, which is exactly what tower g read.
 *   <li>Dense weights: TensorFlow multiplies [inputs, outputs]; ONNX Gemm with {@code transB}
 *       takes [outputs, inputs].
 *   <li>fc6's inputs: here pool5 is NHWC and flattened as (row, column, channel); ONNX
 *       flattens NCHW as (channel, row, column). fc6's rows are permuted to match, not reshaped.
 * </ul>
 */
public final class OnnxLayout {
  private OnnxLayout() {}

  /** Towers' HWIO kernels as one OIHW kernel, tower A's output channels first. */
  public static HostArray kernelOihw(List<HostArray> towers) {
    HostArray first = towers.get(0);
    int kh = first.dim(0), kw = first.dim(1), in = first.dim(2);
    int total = 0;
    for (HostArray t : towers) {
      if (t.rank() != 4 || t.dim(0) != kh || t.dim(1) != kw || t.dim(2) != in) {
        throw new IllegalArgumentException("tower kernels differ in shape: " + towers);
      }
      total += t.dim(3);
    }
    float[] out = new float[total * in * kh * kw];
    int o0 = 0;
    for (HostArray t : towers) {
      int outT = t.dim(3);
      float[] src = t.values();
      for (int h = 0; h < kh; h++) {
        for (int w = 0; w < kw; w++) {
          for (int i = 0; i < in; i++) {
            int s = ((h * kw + w) * in + i) * outT;
            for (int o = 0; o < outT; o++) {
              out[(((o0 + o) * in + i) * kh + h) * kw + w] = src[s + o];
            }
          }
        }
      }
      o0 += outT;
    }
    return new HostArray(new long[] {total, in, kh, kw}, out);
  }

  /** Towers' vectors (biases) end to end, tower A's first. */
  public static HostArray concat(List<HostArray> towers) {
    int n = towers.stream().mapToInt(t -> t.values().length).sum();
    float[] out = new float[n];
    int at = 0;
    for (HostArray t : towers) {
      System.arraycopy(t.values(), 0, out, at, t.values().length);
      at += t.values().length;
    }
    return new HostArray(new long[] {n}, out);
  }

  /**
   * Towers' dense weights [inputs, outputs_t] as one [outputs, inputs] matrix for Gemm with
   * transB. With {@code channels} > 0 the inputs are an NHWC map of that many channels
   * flattened as (row, column, channel), and the result's columns are put in (channel, row,
   * column) order, the order ONNX's Flatten gives an NCHW map. With 0 they stay as they are.
   */
  public static HostArray denseOutIn(List<HostArray> towers, int channels) {
    int in = towers.get(0).dim(0);
    if (channels > 0 && in % channels != 0) {
      throw new IllegalArgumentException(in + " inputs are not a map of " + channels
          + " channels");
    }
    int pixels = channels > 0 ? in / channels : 0;
    int total = 0;
    for (HostArray t : towers) {
      if (t.rank() != 2 || t.dim(0) != in) {
        throw new IllegalArgumentException("tower weights differ in inputs: " + towers);
      }
      total += t.dim(1);
    }
    // Column j of the result reads row rowOf[j] of the towers' matrices.
    int[] rowOf = new int[in];
    for (int j = 0; j < in; j++) {
      rowOf[j] = channels > 0 ? (j % pixels) * channels + j / pixels : j;
    }
    float[] out = new float[total * in];
    int o0 = 0;
    for (HostArray t : towers) {
      int outT = t.dim(1);
      float[] src = t.values();
      for (int o = 0; o < outT; o++) {
        int dst = (o0 + o) * in;
        for (int j = 0; j < in; j++) {
          out[dst + j] = src[rowOf[j] * outT + o];
        }
      }
      o0 += outT;
    }
    return new HostArray(new long[] {total, in}, out);
  }

  /** The inverse of {@link #kernelOihw}: an OIHW kernel as {@code towers} HWIO kernels. */
  public static List<HostArray> kernelHwioTowers(HostArray oihw, int towers) {
    int total = oihw.dim(0), in = oihw.dim(1), kh = oihw.dim(2), kw = oihw.dim(3);
    int outT = total / towers;
    float[] src = oihw.values();
    List<HostArray> out = new ArrayList<>(towers);
    for (int t = 0; t < towers; t++) {
      float[] dst = new float[kh * kw * in * outT];
      for (int o = 0; o < outT; o++) {
        for (int i = 0; i < in; i++) {
          for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
              dst[((h * kw + w) * in + i) * outT + o] =
                  src[(((t * outT + o) * in + i) * kh + h) * kw + w];
            }
          }
        }
      }
      out.add(new HostArray(new long[] {kh, kw, in, outT}, dst));
    }
    return out;
  }

  /** The inverse of {@link #concat}: a vector cut into {@code towers} equal parts. */
  public static List<HostArray> split(HostArray v, int towers) {
    int n = v.values().length / towers;
    List<HostArray> out = new ArrayList<>(towers);
    for (int t = 0; t < towers; t++) {
      out.add(new HostArray(new long[] {n},
          java.util.Arrays.copyOfRange(v.values(), t * n, (t + 1) * n)));
    }
    return out;
  }

  /**
   * The inverse of {@link #denseOutIn}: an [outputs, inputs] matrix (columns in channel, row,
   * column order when {@code channels} > 0) as {@code towers} [inputs, outputs_t] matrices
   * with rows in (row, column, channel) order.
   */
  public static List<HostArray> denseTowers(HostArray outIn, int towers, int channels) {
    int total = outIn.dim(0), in = outIn.dim(1);
    if (channels > 0 && in % channels != 0) {
      throw new IllegalArgumentException(in + " inputs are not a map of " + channels
          + " channels");
    }
    int pixels = channels > 0 ? in / channels : 0;
    int outT = total / towers;
    float[] src = outIn.values();
    List<HostArray> out = new ArrayList<>(towers);
    for (int t = 0; t < towers; t++) {
      float[] dst = new float[in * outT];
      for (int j = 0; j < in; j++) {
        int row = channels > 0 ? (j % pixels) * channels + j / pixels : j;
        for (int o = 0; o < outT; o++) {
          dst[row * outT + o] = src[(t * outT + o) * in + j];
        }
      }
      out.add(new HostArray(new long[] {in, outT}, dst));
    }
    return out;
  }
}
