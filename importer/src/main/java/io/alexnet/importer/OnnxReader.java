package io.alexnet.importer;

import com.google.protobuf.ByteString;
import io.alexnet.graph.LrnSettings;
import io.alexnet.runtime.HostArray;
import io.alexnet.onnx.proto.AttributeProto;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.onnx.proto.TensorShapeProto;
import io.alexnet.onnx.proto.ValueInfoProto;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX AlexNet into a {@link SourceNet}: the model zoo's {@code bvlc_alexnet} (any of
 * its opsets; weights in {@code raw_data} or {@code float_data}, initializers listed among the
 * inputs or not) and this project's own exports (which split each LRN per tower, and carry
 * their pre-processing in the metadata).
 */
final class OnnxReader {
  private OnnxReader() {}

  /** Whether {@code m} looks like an ONNX model at all. */
  static boolean isModel(ModelProto m) {
    return m.getIrVersion() > 0 && m.hasGraph() && m.getGraph().getNodeCount() > 0;
  }

  static SourceNet read(ModelProto m) {
    Map<String, TensorProto> init = new HashMap<>();
    m.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
    List<SourceNet.Conv> convs = new ArrayList<>();
    List<LrnSettings> lrnNodes = new ArrayList<>();
    List<SourceNet.Pool> pools = new ArrayList<>();
    List<SourceNet.Dense> dense = new ArrayList<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      String name = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
      switch (n.getOpType()) {
        case "Conv" -> {
          long[] k = ints(n, "kernel_shape", new long[0]);
          long[] strides = ints(n, "strides", new long[] {1, 1});
          long[] pads = ints(n, "pads", new long[] {0, 0, 0, 0});
          if (pads.length == 4 && (pads[0] != pads[2] || pads[1] != pads[3])) {
            throw new IllegalArgumentException("node " + name + " pads unevenly "
                + java.util.Arrays.toString(pads) + "; AlexNet's convolutions pad evenly");
          }
          HostArray w = tensor(init, n, 1, name);
          long kernel = k.length > 0 ? k[0] : w.shape()[2];
          convs.add(new SourceNet.Conv(name, w, tensor(init, n, 2, name), kernel, strides[0],
              pads[0], intAttr(n, "group", 1)));
        }
        case "Gemm" -> {
          if (floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f
              || intAttr(n, "transA", 0) != 0) {
            throw new IllegalArgumentException("node " + name + ": a Gemm with alpha, beta or"
                + " transA set is not an AlexNet dense layer");
          }
          HostArray b = tensor(init, n, 1, name);
          HostArray w = intAttr(n, "transB", 0) == 1 ? b : transpose(b);
          dense.add(new SourceNet.Dense(name, w, tensor(init, n, 2, name)));
        }
        case "LRN" -> {
          // ONNX's defaults: alpha 1e-4, beta 0.75, bias 1; its alpha is divided by size.
          lrnNodes.add(LrnSettings.caffe(intAttr(n, "size", 0), floatAttr(n, "alpha", 1e-4f),
              floatAttr(n, "beta", 0.75f), floatAttr(n, "bias", 1f)));
        }
        case "MaxPool" -> {
          long[] k = ints(n, "kernel_shape", new long[0]);
          long[] strides = ints(n, "strides", new long[] {1, 1});
          long[] pads = ints(n, "pads", new long[] {0, 0, 0, 0});
          boolean padded = java.util.Arrays.stream(pads).anyMatch(p -> p != 0)
              || intAttr(n, "ceil_mode", 0) != 0;
          pools.add(new SourceNet.Pool(name, k.length > 0 ? k[0] : 0, strides[0], padded));
        }
        case "AveragePool" -> throw new IllegalArgumentException("node " + name
            + " average-pools; AlexNet max-pools");
        default -> { } // Relu, Dropout, Flatten/Reshape, Split/Concat, Softmax, TopK, Cast
      }
    }
    // Two LRN nodes per layer: one per tower, between a Split and a Concat (this project's
    // export of a per-tower model). One per layer: the whole stack.
    List<LrnSettings> lrns = new ArrayList<>();
    boolean perTower = lrnNodes.size() == 4;
    for (int i = 0; i < lrnNodes.size(); i += perTower ? 2 : 1) {
      lrns.add(lrnNodes.get(i).withAcrossTowers(!perTower));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    List<Long> input = new ArrayList<>();
    for (ValueInfoProto v : m.getGraph().getInputList()) {
      if (!init.containsKey(v.getName())) {
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
          input.add(d.hasDimValue() ? d.getDimValue() : -1L);
        }
        break;
      }
    }
    String opset = m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty()
        || o.getDomain().equals("ai.onnx")).map(o -> Long.toString(o.getVersion())).findFirst()
        .orElse("?");
    return new SourceNet("ONNX opset " + opset, convs, lrns, pools, dense, input, meta);
  }

  /** Input {@code i} of node {@code n}, which must be a float initializer. */
  private static HostArray tensor(Map<String, TensorProto> init, NodeProto n, int i,
      String node) {
    if (n.getInputCount() <= i) {
      throw new IllegalArgumentException("node " + node + " has no input " + i
          + " (AlexNet's layers have weights and biases)");
    }
    TensorProto t = init.get(n.getInput(i));
    if (t == null) {
      throw new IllegalArgumentException("node " + node + ": input " + n.getInput(i)
          + " is not stored in the file (not an initializer)");
    }
    return floats(t);
  }

  /** A float initializer's values, from raw_data (little-endian) or float_data. */
  static HostArray floats(TensorProto t) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new IllegalArgumentException("initializer " + t.getName() + " is stored outside"
          + " the file (ONNX external data); import a file that holds its weights");
    }
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new IllegalArgumentException("initializer " + t.getName() + " has ONNX data type "
          + t.getDataType() + ", not float32");
    }
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("initializer " + t.getName() + " has a negative"
            + " dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    ByteString raw = t.getRawData();
    if (!raw.isEmpty()) {
      if (raw.size() != n * 4) {
        throw new IllegalArgumentException("initializer " + t.getName() + " declares " + n
            + " floats but holds " + raw.size() + " bytes (a truncated or damaged file?)");
      }
      float[] v = new float[(int) n];
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      return new HostArray(shape, v);
    }
    if (t.getFloatDataCount() != n) {
      throw new IllegalArgumentException("initializer " + t.getName() + " declares " + n
          + " floats but holds " + t.getFloatDataCount());
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatData(i);
    }
    return new HostArray(shape, v);
  }

  private static HostArray transpose(HostArray a) {
    int rows = a.dim(0), cols = a.dim(1);
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = a.values()[r * cols + c];
      }
    }
    return new HostArray(new long[] {cols, rows}, out);
  }

  private static AttributeProto attr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElse(null);
  }

  private static long intAttr(NodeProto n, String name, long dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getI();
  }

  private static float floatAttr(NodeProto n, String name, float dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getF();
  }

  private static long[] ints(NodeProto n, String name, long[] dflt) {
    AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }
}
