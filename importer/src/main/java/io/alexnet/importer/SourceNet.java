package io.alexnet.importer;

import io.alexnet.graph.LrnSettings;
import io.alexnet.runtime.HostArray;
import java.util.List;
import java.util.Map;

/**
 * A network as a Caffe or ONNX file describes it, in the layouts those formats share (kernels
 * OIHW, dense weights [outputs, inputs] over a channel, row, column flattening), layer kinds in
 * file order. What {@link ImportedModel} checks against AlexNet and converts.
 *
 * @param format "Caffe (V1 layers)", "Caffe", or "ONNX opset N"
 * @param declaredInput the input shape the file declares (NCHW), empty if none
 * @param metadata the file's key-value metadata (ONNX metadata_props; empty for Caffe)
 */
public record SourceNet(
    String format,
    List<Conv> convs,
    List<LrnSettings> lrns,
    List<Pool> pools,
    List<Dense> dense,
    List<Long> declaredInput,
    Map<String, String> metadata) {

  /** A convolution: weights [out, in / group, k, k]. */
  public record Conv(String name, HostArray weights, HostArray bias, long kernel, long stride,
      long pad, long group) {}

  /** An inner product: weights [outputs, inputs]. */
  public record Dense(String name, HostArray weights, HostArray bias) {}

  /** A max-pooling layer; {@code padded} when the file pads it (ONNX zoo files imitating
   * Caffe's rounding at 224x224). */
  public record Pool(String name, long kernel, long stride, boolean padded) {}
}
