package io.alexnet.importer;

import com.google.protobuf.UnsafeByteOperations;
import io.alexnet.graph.LayerSizes;
import io.alexnet.importer.caffe.BlobProto;
import io.alexnet.importer.caffe.BlobShape;
import io.alexnet.importer.caffe.ConvolutionParameter;
import io.alexnet.importer.caffe.InnerProductParameter;
import io.alexnet.importer.caffe.LRNParameter;
import io.alexnet.importer.caffe.LayerParameter;
import io.alexnet.importer.caffe.NetParameter;
import io.alexnet.importer.caffe.PoolingParameter;
import io.alexnet.importer.caffe.V1LayerParameter;
import io.alexnet.onnx.proto.AttributeProto;
import io.alexnet.onnx.proto.GraphProto;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.OperatorSetIdProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.onnx.proto.TensorShapeProto;
import io.alexnet.onnx.proto.TypeProto;
import io.alexnet.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * bvlc_alexnet as its publishers wrote it, with seeded random weights: the Caffe net (old V1
 * layers, as in the published .caffemodel, or the current layout) and the ONNX model zoo's
 * conversion. Written through the formats' generated classes, in BVLC's layer order and names
 * (conv1, relu1, norm1, pool1, ..., fc8, prob), with its LRN (local_size 5, alpha 1e-4, beta
 * 0.75, k 1 over the whole stack) and groups (2 in conv2, conv4 and conv5).
 */
public final class BvlcFiles {
  /** Per conv layer: kernel, stride, pad, group (BVLC's deploy.prototxt). */
  static final int[][] CONV = {{11, 4, 0, 1}, {5, 1, 2, 2}, {3, 1, 1, 1}, {3, 1, 1, 2},
      {3, 1, 1, 2}};

  final int classes;
  final int[] convOut;
  final int[] convIn;
  final int fc6In;
  final int[] fcOut;
  /** OIHW kernels and biases of conv1..conv5; [out, in] weights and biases of fc6..fc8. */
  final List<float[]> convW = new ArrayList<>(), convB = new ArrayList<>();
  final List<float[]> fcW = new ArrayList<>(), fcB = new ArrayList<>();

  /** The paper's shapes scaled by {@code width} (1: the published file's shapes). */
  public BvlcFiles(double width, int classes, long seed) {
    this.classes = classes;
    LayerSizes s = LayerSizes.of(width, 2);
    convOut = new int[] {s.conv1(), s.conv2(), s.conv3(), s.conv4(), s.conv5()};
    convIn = new int[5];
    int in = 3;
    for (int i = 0; i < 5; i++) {
      convIn[i] = in / CONV[i][3];
      in = convOut[i];
    }
    fc6In = s.conv5() * 36;
    fcOut = new int[] {s.fc6(), s.fc7(), classes};
    Random rnd = new Random(seed);
    for (int i = 0; i < 5; i++) {
      int fanIn = convIn[i] * CONV[i][0] * CONV[i][0];
      // He-scaled, so that activations neither vanish nor explode through eight layers of
      // random weights on 0..255-sized inputs; conv1 smaller, for those inputs.
      double std = Math.sqrt(2.0 / fanIn) * (i == 0 ? 0.05 : 1);
      convW.add(gaussian(rnd, convOut[i] * fanIn, std));
      convB.add(gaussian(rnd, convOut[i], 0.1));
    }
    int fin = fc6In;
    for (int i = 0; i < 3; i++) {
      double std = Math.sqrt(2.0 / fin) * (i == 2 ? 0.3 : 1);
      fcW.add(gaussian(rnd, fcOut[i] * fin, std));
      fcB.add(gaussian(rnd, fcOut[i], 0.1));
      fin = fcOut[i];
    }
  }

  static float[] gaussian(Random rnd, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * std);
    }
    return v;
  }

  long[] convShape(int i) {
    return new long[] {convOut[i], convIn[i], CONV[i][0], CONV[i][0]};
  }

  long[] fcShape(int i) {
    return new long[] {fcOut[i], i == 0 ? fc6In : fcOut[i - 1]};
  }

  // ---- Caffe -------------------------------------------------------------------------------

  /** The net as a .caffemodel: V1 {@code layers} (BVLC's file) or current {@code layer}. */
  public void writeCaffe(Path file, boolean v1) throws IOException {
    NetParameter.Builder net = NetParameter.newBuilder().setName("CaffeNet");
    String bottom = "data";
    for (int i = 0; i < 5; i++) {
      int n = i + 1;
      ConvolutionParameter cp = ConvolutionParameter.newBuilder().setNumOutput(convOut[i])
          .addKernelSize(CONV[i][0]).addStride(CONV[i][1]).addPad(CONV[i][2])
          .setGroup(CONV[i][3]).build();
      List<BlobProto> blobs = List.of(blob(convW.get(i), convShape(i), v1),
          blob(convB.get(i), new long[] {convOut[i]}, v1));
      layer(net, v1, "conv" + n, "Convolution", V1LayerParameter.LayerType.CONVOLUTION,
          bottom, "conv" + n, blobs, b -> b.conv = cp);
      layer(net, v1, "relu" + n, "ReLU", V1LayerParameter.LayerType.RELU, "conv" + n,
          "conv" + n, List.of(), b -> { });
      bottom = "conv" + n;
      if (n <= 2) {
        LRNParameter lp = LRNParameter.newBuilder().setLocalSize(5).setAlpha(1e-4f)
            .setBeta(0.75f).setK(1f).build();
        layer(net, v1, "norm" + n, "LRN", V1LayerParameter.LayerType.LRN, bottom, "norm" + n,
            List.of(), b -> b.lrn = lp);
        bottom = "norm" + n;
      }
      if (n == 1 || n == 2 || n == 5) {
        PoolingParameter pp = PoolingParameter.newBuilder()
            .setPool(PoolingParameter.PoolMethod.MAX).addKernelSize(3).addStride(2).build();
        layer(net, v1, "pool" + n, "Pooling", V1LayerParameter.LayerType.POOLING, bottom,
            "pool" + n, List.of(), b -> b.pool = pp);
        bottom = "pool" + n;
      }
    }
    for (int i = 0; i < 3; i++) {
      String name = "fc" + (6 + i);
      InnerProductParameter ip = InnerProductParameter.newBuilder().setNumOutput(fcOut[i])
          .build();
      List<BlobProto> blobs = List.of(blob(fcW.get(i), fcShape(i), v1),
          blob(fcB.get(i), new long[] {fcOut[i]}, v1));
      layer(net, v1, name, "InnerProduct", V1LayerParameter.LayerType.INNER_PRODUCT, bottom,
          name, blobs, b -> b.ip = ip);
      bottom = name;
      if (i < 2) {
        layer(net, v1, "relu" + (6 + i), "ReLU", V1LayerParameter.LayerType.RELU, name, name,
            List.of(), b -> { });
        layer(net, v1, "drop" + (6 + i), "Dropout", V1LayerParameter.LayerType.DROPOUT, name,
            name, List.of(), b -> { });
      }
    }
    layer(net, v1, "prob", "Softmax", V1LayerParameter.LayerType.SOFTMAX, bottom, "prob",
        List.of(), b -> { });
    try (OutputStream o = Files.newOutputStream(file)) {
      net.build().writeTo(o);
    }
  }

  /** Layer parameters set by the caller. */
  static final class Params {
    ConvolutionParameter conv;
    InnerProductParameter ip;
    LRNParameter lrn;
    PoolingParameter pool;
  }

  private static void layer(NetParameter.Builder net, boolean v1, String name, String type,
      V1LayerParameter.LayerType v1Type, String bottom, String top, List<BlobProto> blobs,
      java.util.function.Consumer<Params> set) {
    Params p = new Params();
    set.accept(p);
    if (v1) {
      V1LayerParameter.Builder l = V1LayerParameter.newBuilder().setName(name).setType(v1Type)
          .addBottom(bottom).addTop(top).addAllBlobs(blobs);
      if (p.conv != null) {
        l.setConvolutionParam(p.conv);
      }
      if (p.ip != null) {
        l.setInnerProductParam(p.ip);
      }
      if (p.lrn != null) {
        l.setLrnParam(p.lrn);
      }
      if (p.pool != null) {
        l.setPoolingParam(p.pool);
      }
      net.addLayers(l);
    } else {
      LayerParameter.Builder l = LayerParameter.newBuilder().setName(name).setType(type)
          .addBottom(bottom).addTop(top).addAllBlobs(blobs);
      if (p.conv != null) {
        l.setConvolutionParam(p.conv);
      }
      if (p.ip != null) {
        l.setInnerProductParam(p.ip);
      }
      if (p.lrn != null) {
        l.setLrnParam(p.lrn);
      }
      if (p.pool != null) {
        l.setPoolingParam(p.pool);
      }
      net.addLayer(l);
    }
  }

  /**
   * A blob: V1 files size it num x channels x height x width, padding with leading 1s (dense
   * weights 1 x 1 x out x in, biases 1 x 1 x 1 x n); current ones with a BlobShape.
   */
  static BlobProto blob(float[] v, long[] shape, boolean v1) {
    BlobProto.Builder b = BlobProto.newBuilder();
    if (v1) {
      long[] d = new long[4];
      java.util.Arrays.fill(d, 1);
      System.arraycopy(shape, 0, d, 4 - shape.length, shape.length);
      b.setNum(d[0]).setChannels(d[1]).setHeight(d[2]).setWidth(d[3]);
    } else {
      BlobShape.Builder s = BlobShape.newBuilder();
      for (long x : shape) {
        s.addDim(x);
      }
      b.setShape(s);
    }
    for (float x : v) {
      b.addData(x);
    }
    return b.build();
  }

  // ---- ONNX --------------------------------------------------------------------------------

  /**
   * The model zoo's conversion: opset {@code opset}, input {@code data_0} of side
   * {@code inputSide} (the zoo declares 224; pools are then padded at the bottom and right,
   * as its converter did to imitate Caffe), output {@code prob_1}; weights in raw_data and,
   * for the biases, float_data; initializers also listed as graph inputs, as older
   * converters did.
   */
  public void writeOnnx(Path file, int opset, int inputSide) throws IOException {
    GraphProto.Builder g = GraphProto.newBuilder().setName("bvlc_alexnet");
    g.addInput(value("data_0", new long[] {1, 3, inputSide, inputSide}));
    boolean padPools = inputSide != 227;
    String x = "data_0";
    for (int i = 0; i < 5; i++) {
      int n = i + 1;
      String w = "conv" + n + "_w_0", b = "conv" + n + "_b_0";
      g.addInitializer(raw(w, convW.get(i), convShape(i)));
      g.addInitializer(floatData(b, convB.get(i), new long[] {convOut[i]}));
      g.addInput(value(w, convShape(i)));
      g.addInput(value(b, new long[] {convOut[i]}));
      int p = CONV[i][2];
      g.addNode(node("Conv", List.of(x, w, b), "conv" + n + "_1",
          ints("kernel_shape", CONV[i][0], CONV[i][0]), ints("strides", CONV[i][1], CONV[i][1]),
          ints("pads", p, p, p, p), attr("group", CONV[i][3])));
      g.addNode(node("Relu", List.of("conv" + n + "_1"), "conv" + n + "_2"));
      x = "conv" + n + "_2";
      if (n <= 2) {
        g.addNode(node("LRN", List.of(x), "norm" + n + "_1", attr("size", 5),
            attr("alpha", 1e-4f), attr("beta", 0.75f), attr("bias", 1f)));
        x = "norm" + n + "_1";
      }
      if (n == 1 || n == 2 || n == 5) {
        int q = padPools ? 1 : 0;
        g.addNode(node("MaxPool", List.of(x), "pool" + n + "_1", ints("kernel_shape", 3, 3),
            ints("strides", 2, 2), ints("pads", 0, 0, q, q)));
        x = "pool" + n + "_1";
      }
    }
    g.addNode(node("Flatten", List.of(x), "OC2_DUMMY_0", attr("axis", 1)));
    x = "OC2_DUMMY_0";
    for (int i = 0; i < 3; i++) {
      int n = 6 + i;
      String w = "fc" + n + "_w_0", b = "fc" + n + "_b_0";
      g.addInitializer(raw(w, fcW.get(i), fcShape(i)));
      g.addInitializer(floatData(b, fcB.get(i), new long[] {fcOut[i]}));
      g.addNode(node("Gemm", List.of(x, w, b), "fc" + n + "_1", attr("transB", 1)));
      x = "fc" + n + "_1";
      if (i < 2) {
        g.addNode(node("Relu", List.of(x), "fc" + n + "_2"));
        g.addNode(node("Dropout", List.of("fc" + n + "_2"), "fc" + n + "_3"));
        x = "fc" + n + "_3";
      }
    }
    g.addNode(node("Softmax", List.of(x), "prob_1"));
    g.addOutput(value("prob_1", new long[] {1, classes}));
    ModelProto m = ModelProto.newBuilder().setIrVersion(opset >= 9 ? 4 : 3)
        .setProducerName("onnx-caffe2")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g).build();
    try (OutputStream o = Files.newOutputStream(file)) {
      m.writeTo(o);
    }
  }

  static NodeProto node(String op, List<String> in, String out, AttributeProto... attrs) {
    return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out)
        .addAllAttribute(List.of(attrs)).build();
  }

  static AttributeProto attr(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(v).build();
  }

  static AttributeProto attr(String name, float v) {
    return AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static TensorProto raw(String name, float[] v, long[] shape) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(UnsafeByteOperations.unsafeWrap(b.array()));
    for (long d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  static TensorProto floatData(String name, float[] v, long[] shape) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : shape) {
      t.addDims(d);
    }
    for (float x : v) {
      t.addFloatData(x);
    }
    return t.build();
  }

  static ValueInfoProto value(String name, long[] dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
  }
}
