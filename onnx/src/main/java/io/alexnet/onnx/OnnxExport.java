package io.alexnet.onnx;

import com.google.protobuf.UnsafeByteOperations;
import io.alexnet.data.Preprocessor;
import io.alexnet.runtime.HostArray;
import io.alexnet.io.AtomicFiles;
import io.alexnet.graph.LrnSettings;
import io.alexnet.onnx.proto.AttributeProto;
import io.alexnet.onnx.proto.GraphProto;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.OperatorSetIdProto;
import io.alexnet.onnx.proto.StringStringEntryProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.onnx.proto.TensorShapeProto;
import io.alexnet.onnx.proto.TypeProto;
import io.alexnet.onnx.proto.ValueInfoProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a trained AlexNet as an ONNX model (opset {@value #OPSET}) that ONNX Runtime,
 * TensorRT, OpenVINO and the like run without TensorFlow.
 *
 * <p>The network is the inference graph, laid out as Caffe and the ONNX model zoo write
 * AlexNet: one {@code Conv} per layer, with {@code group = 2} where the paper's towers read only
 * their own maps (conv2, conv4, conv5), NCHW throughout, Gemm for the dense layers. LRN stays
 * per tower, as in the paper and in the TensorFlow graph: a two-tower map is split in halves,
 * each half normalized on its own, and joined again, so no window reaches across towers.
 *
 * <p>Input {@value #INPUT}: float [batch, 3, S, S], pre-processed exactly as for the
 * SavedModel's {@code serving_default}, only NCHW. Outputs {@value #PROBABILITIES} [batch,
 * classes] and {@value #TOP5} (int32 class ids, best first). The class names and everything
 * needed to pre-process an image travel in the model's metadata ({@code metadata_props}).
 */
public final class OnnxExport {
  public static final int OPSET = 13;
  /** IR version 8 (ONNX 1.10): what opset 13 needs, and read by every current runtime. */
  public static final long IR_VERSION = 8;
  public static final String INPUT = "images";
  public static final String PROBABILITIES = "probabilities";
  public static final String TOP5 = "top5";
  public static final String PRODUCER = "alexnet-tfjava";

  /** Metadata keys. */
  public static final String META_LABELS = "labels";
  public static final String META_IMAGE_SIZE = "image_size";
  public static final String META_CANVAS = "canvas_size";
  public static final String META_CHANNELS = "channel_order";
  public static final String META_SCALE = "input_scale";
  public static final String META_MEAN_PER_CHANNEL = "mean_per_channel";
  public static final String META_MEAN_IMAGE = "mean_image";
  public static final String META_PREPROCESSING = "preprocessing";
  public static final String META_TOWERS = "towers";

  private OnnxExport() {}

  /**
   * Writes {@code weights} to {@code out} (atomically: a crash leaves no partial file). Refuses
   * to overwrite an existing file.
   */
  public static void write(TrainedWeights weights, Preprocessor pre, List<String> labels,
      Path out) throws IOException {
    if (Files.exists(out)) {
      throw new IllegalArgumentException(out + " already exists: remove it or pick another file");
    }
    ModelProto model = model(weights, pre, labels);
    try {
      AtomicFiles.writeFile(out, tmp -> {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
          model.writeTo(o);
        }
      });
    } catch (IOException e) {
      throw new IOException("could not write " + out + ": " + e.getMessage()
          + ". Nothing was left half-written.", e);
    }
  }

  /** The whole model as a protocol buffer. */
  public static ModelProto model(TrainedWeights w, Preprocessor pre, List<String> labels) {
    int classes = w.get("fc8/biases").dim(0);
    if (!labels.isEmpty() && labels.size() != classes) {
      throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes");
    }
    GraphBuilder g = new GraphBuilder(w);
    int groups = w.twoTowers() ? 2 : 1;
    int s = pre.crop();

    // The paper's table, top to bottom (see AlexNet.forward()).
    String x = g.conv("conv1", INPUT, 4, 0, 1);
    x = g.relu("relu1", x);
    x = g.lrn("norm1", "lrn1", x, groups);
    x = g.maxPool("pool1", x);
    x = g.conv("conv2", x, 1, 2, groups);
    x = g.relu("relu2", x);
    x = g.lrn("norm2", "lrn2", x, groups);
    x = g.maxPool("pool2", x);
    x = g.conv("conv3", x, 1, 1, 1);
    x = g.relu("relu3", x);
    x = g.conv("conv4", x, 1, 1, groups);
    x = g.relu("relu4", x);
    x = g.conv("conv5", x, 1, 1, groups);
    x = g.relu("relu5", x);
    x = g.maxPool("pool5", x);
    int pool5Channels = Math.toIntExact(OnnxLayout.concat(w.perTower("conv5", "biases"))
        .shape()[0]);
    x = g.node("Flatten", "flatten", List.of(x), Map.of("axis", 1L));
    x = g.dense("fc6", x, pool5Channels);
    x = g.relu("relu6", x);
    x = g.dense("fc7", x, 0);
    x = g.relu("relu7", x);
    x = g.dense("fc8", x, 0);
    g.node("Softmax", PROBABILITIES, List.of(x), Map.of("axis", 1L));
    int k = Math.min(5, classes);
    g.graph.addInitializer(int64Tensor("top_k", new long[] {k}));
    g.graph.addNode(NodeProto.newBuilder().setOpType("TopK").setName("top_k_values")
        .addInput(PROBABILITIES).addInput("top_k")
        .addOutput("top5_values").addOutput("top5_int64")
        .addAttribute(attr("axis", 1L)).addAttribute(attr("largest", 1L))
        .addAttribute(attr("sorted", 1L)));
    // int32 like the SavedModel's top5, so clients of either read the same type.
    g.node("Cast", TOP5, List.of("top5_int64"),
        Map.of("to", (long) TensorProto.DataType.INT32_VALUE));

    g.graph.setName("alexnet")
        .setDocString("AlexNet (Krizhevsky, Sutskever, Hinton 2012), " + (groups == 2
            ? "two towers (grouped conv2, conv4, conv5; LRN per tower)" : "one tower")
            + ", " + classes + " classes.")
        .addInput(value(INPUT, TensorProto.DataType.FLOAT, new Object[] {"batch", 3L, (long) s,
            (long) s}, inputDoc(pre)))
        .addOutput(value(PROBABILITIES, TensorProto.DataType.FLOAT,
            new Object[] {"batch", (long) classes}, "softmax over the classes"))
        .addOutput(value(TOP5, TensorProto.DataType.INT32, new Object[] {"batch", (long) k},
            "class ids of the " + k + " most probable classes, best first"));

    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName(PRODUCER)
        .setProducerVersion("1")
        .setModelVersion(1)
        .setDocString("AlexNet exported from TensorFlow Java. Input: " + inputDoc(pre))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g.graph);
    metadata(pre, labels, groups).forEach((key, v) ->
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(v)));
    return m.build();
  }

  /** How to turn an image into the input, in words. */
  static String inputDoc(Preprocessor pre) {
    int s = pre.crop(), c = pre.canvas();
    String channels = String.join(", ", pre.channelOrder().name().split(""));
    return String.format(Locale.ROOT, "float32 [batch, 3, %d, %d], NCHW, channels %s: scale the"
        + " image so its shorter side is %d pixels, cut out the central %dx%d square, take pixel"
        + " values in 0..255, subtract the mean image (metadata %s: [%d, %d, 3] float32"
        + " little-endian, base64, channels in the same order; per channel %s), multiply by %s"
        + " (metadata %s), then cut out the central %dx%d crop.", s, s, channels, c, c, c,
        META_MEAN_IMAGE, c, c, meanPerChannel(pre), pre.scale(), META_SCALE, s, s);
  }

  private static Map<String, String> metadata(Preprocessor pre, List<String> labels,
      int towers) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(META_LABELS, String.join("\n", labels));
    meta.put(META_IMAGE_SIZE, Integer.toString(pre.crop()));
    meta.put(META_CANVAS, Integer.toString(pre.canvas()));
    meta.put(META_CHANNELS, pre.channelOrder().name());
    meta.put(META_SCALE, Float.toString(pre.scale()));
    meta.put(META_MEAN_PER_CHANNEL, meanPerChannel(pre));
    if (pre.mean() != null) {
      ByteBuffer b = ByteBuffer.allocate(pre.mean().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(pre.mean());
      meta.put(META_MEAN_IMAGE, Base64.getEncoder().encodeToString(b.array()));
    }
    meta.put(META_PREPROCESSING, inputDoc(pre));
    meta.put(META_TOWERS, Integer.toString(towers));
    return meta;
  }

  /** The mean image's average per channel, in the model's order (0,0,0 without a mean). */
  public static String meanPerChannel(Preprocessor pre) {
    double[] sum = new double[3];
    float[] mean = pre.mean();
    if (mean != null) {
      for (int i = 0; i < mean.length; i++) {
        sum[i % 3] += mean[i];
      }
    }
    int pixels = mean == null ? 1 : mean.length / 3;
    return String.format(Locale.ROOT, "%.3f,%.3f,%.3f", sum[0] / pixels, sum[1] / pixels,
        sum[2] / pixels);
  }

  // ---- protocol-buffer pieces --------------------------------------------------------------

  /** Adds nodes and their weights to one graph, naming each output after its node. */
  private static final class GraphBuilder {
    final GraphProto.Builder graph = GraphProto.newBuilder();
    final TrainedWeights w;

    GraphBuilder(TrainedWeights w) {
      this.w = w;
    }

    String node(String op, String name, List<String> inputs, Map<String, Object> attrs) {
      NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name)
          .addAllInput(inputs);
      attrs.forEach((k, v) -> n.addAttribute(attr(k, v)));
      graph.addNode(n);
      return name;
    }

    String conv(String layer, String x, long stride, long pad, int group) {
      HostArray kernel = OnnxLayout.kernelOihw(w.perTower(layer, "weights"));
      HostArray bias = OnnxLayout.concat(w.perTower(layer, "biases"));
      graph.addInitializer(floatTensor(layer + "_w", kernel));
      graph.addInitializer(floatTensor(layer + "_b", bias));
      long k = kernel.shape()[2];
      return node("Conv", layer, List.of(x, layer + "_w", layer + "_b"), Map.of(
          "kernel_shape", new long[] {k, k},
          "strides", new long[] {stride, stride},
          "pads", new long[] {pad, pad, pad, pad},
          "group", (long) group));
    }

    String dense(String layer, String x, int channels) {
      graph.addInitializer(floatTensor(layer + "_w",
          OnnxLayout.denseOutIn(w.perTower(layer, "weights"), channels)));
      graph.addInitializer(floatTensor(layer + "_b",
          OnnxLayout.concat(w.perTower(layer, "biases"))));
      return node("Gemm", layer, List.of(x, layer + "_w", layer + "_b"), Map.of("transB", 1L));
    }

    String relu(String name, String x) {
      return node("Relu", name, List.of(x), Map.of());
    }

    String maxPool(String name, String x) {
      // Section 3.4's overlapping pooling; no padding and sizes rounded down, as TensorFlow's
      // VALID pooling does.
      return node("MaxPool", name, List.of(x), Map.of("kernel_shape", new long[] {3, 3},
          "strides", new long[] {2, 2}));
    }

    /**
     * LRN per tower: split the channels in {@code towers} halves, normalize each, join. One
     * LRN over the whole stack where the model normalizes across its towers.
     */
    String lrn(String name, String tfLayer, String x, int towers) {
      LrnSettings c = w.lrn(tfLayer);
      Map<String, Object> attrs = Map.of("size", c.size(), "alpha", c.caffeAlpha(),
          "beta", c.beta(), "bias", c.bias());
      if (towers == 1 || c.acrossTowers()) {
        return node("LRN", name, List.of(x), attrs);
      }
      NodeProto.Builder split = NodeProto.newBuilder().setOpType("Split").setName(name + "_split")
          .addInput(x).addAttribute(attr("axis", 1L));
      List<String> halves = new java.util.ArrayList<>();
      for (int t = 0; t < towers; t++) {
        String tower = name + "_" + (char) ('A' + t);
        split.addOutput(tower + "_in");
        halves.add(tower);
      }
      graph.addNode(split);
      for (String tower : halves) {
        node("LRN", tower, List.of(tower + "_in"), attrs);
      }
      return node("Concat", name, halves, Map.of("axis", 1L));
    }
  }

  static AttributeProto attr(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (v instanceof Long i) {
      a.setType(AttributeProto.AttributeType.INT).setI(i);
    } else if (v instanceof Float f) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
    } else if (v instanceof long[] ints) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long i : ints) {
        a.addInts(i);
      }
    } else {
      throw new IllegalArgumentException("attribute " + name + ": unsupported " + v.getClass());
    }
    return a.build();
  }

  static TensorProto floatTensor(String name, HostArray a) {
    ByteBuffer b = ByteBuffer.allocate(a.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(a.values());
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        // The array is ours alone from here on, so the protocol buffer may keep it uncopied.
        .setRawData(UnsafeByteOperations.unsafeWrap(b.array()));
    for (long d : a.shape()) {
      t.addDims(d);
    }
    return t.build();
  }

  static TensorProto int64Tensor(String name, long[] values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  /** A graph input or output: element type and dimensions, a String for a named one. */
  static ValueInfoProto value(String name, TensorProto.DataType type, Object[] dims, String doc) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String p) {
        dim.setDimParam(p);
      } else {
        dim.setDimValue((Long) d);
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(type.getNumber()).setShape(shape)))
        .build();
  }
}
