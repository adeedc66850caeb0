package io.alexnet.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.onnx.proto.TensorShapeProto;
import io.alexnet.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an ONNX file declares, for {@code inspect}: format and operator-set versions, inputs
 * and outputs, the ops it uses, how many parameters its initializers hold, and its metadata.
 *
 * @param opsets operator-set versions by domain ("ai.onnx" for the default one)
 * @param ops how many nodes of each op type
 * @param parameters the number of values in floating-point initializers
 */
public record OnnxModelInfo(
    Path file,
    long irVersion,
    String producer,
    Map<String, Long> opsets,
    List<Value> inputs,
    List<Value> outputs,
    Map<String, Integer> ops,
    long parameters,
    Map<String, String> metadata) {

  /** A graph input or output: element type, dimensions ("batch" for a named one), its doc. */
  public record Value(String name, String type, List<String> dims, String doc) {}

  /** Reads {@code file}; an error that says so if it is not an ONNX model. */
  public static OnnxModelInfo read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    ModelProto m;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE); // a full AlexNet is about 240 MB
      m = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " is not an ONNX model (not a ModelProto: "
          + e.getMessage() + ")");
    }
    if (m.getIrVersion() <= 0 || !m.hasGraph() || m.getOpsetImportCount() == 0) {
      throw new IllegalArgumentException(file + " is not an ONNX model (no IR version, graph"
          + " or operator set)");
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    m.getOpsetImportList().forEach(o ->
        opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion()));
    Map<String, Integer> ops = new TreeMap<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    long params = 0;
    List<String> initializers = new ArrayList<>();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      initializers.add(t.getName());
      if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE
          || t.getDataType() == TensorProto.DataType.DOUBLE_VALUE
          || t.getDataType() == TensorProto.DataType.FLOAT16_VALUE) {
        params += t.getDimsList().stream().reduce(1L, (a, b) -> a * b);
      }
    }
    // Older exporters list the initializers among the inputs too; those are not fed.
    List<Value> inputs = m.getGraph().getInputList().stream()
        .filter(v -> !initializers.contains(v.getName())).map(OnnxModelInfo::value).toList();
    List<Value> outputs = m.getGraph().getOutputList().stream().map(OnnxModelInfo::value)
        .toList();
    Map<String, String> meta = new LinkedHashMap<>();
    m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    String producer = (m.getProducerName() + " " + m.getProducerVersion()).trim();
    return new OnnxModelInfo(file, m.getIrVersion(), producer, opsets, inputs, outputs, ops,
        params, meta);
  }

  private static Value value(ValueInfoProto v) {
    List<String> dims = new ArrayList<>();
    String type = "?";
    if (v.getType().hasTensorType()) {
      var t = v.getType().getTensorType();
      TensorProto.DataType d = TensorProto.DataType.forNumber(t.getElemType());
      type = d == null ? "type " + t.getElemType() : typeName(d);
      for (TensorShapeProto.Dimension dim : t.getShape().getDimList()) {
        dims.add(dim.hasDimValue() ? Long.toString(dim.getDimValue())
            : dim.hasDimParam() ? dim.getDimParam() : "?");
      }
    }
    return new Value(v.getName(), type, dims, v.getDocString());
  }

  private static String typeName(TensorProto.DataType d) {
    return switch (d) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case FLOAT16 -> "float16";
      default -> d.name().toLowerCase();
    };
  }

  /** The class names the exporter stored, or none. */
  public List<String> labels() {
    String l = metadata.get(OnnxExport.META_LABELS);
    return l == null || l.isEmpty() ? List.of() : List.of(l.split("\n"));
  }
}
