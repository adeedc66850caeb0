package io.alexnet.onnx;

import io.alexnet.runtime.SessionOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.ColorPca;
import io.alexnet.data.DataStats;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.inference.SavedModelExport;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.inference.ServingModel;
import io.alexnet.graph.AlexNet;
import io.alexnet.runtime.HostArray;
import io.alexnet.graph.LrnSettings;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import io.alexnet.graph.WeightInit;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * Exported ONNX files run in ONNX Runtime (an independent implementation of every op) and give
 * the SavedModel's probabilities, for each kind of model this project trains.
 */
class OnnxExportTest {
  /** 131 pixels leave pool5 3x3, so fc6's (channel, row, column) reordering is exercised. */
  static final int SIZE = 131;

  @TempDir Path tmp;

  /** Exports the run's best checkpoint both ways; returns {SavedModel folder, ONNX file}. */
  static Path[] exportBoth(RunDir run, Path out) throws Exception {
    Path ckpt = new Checkpoints(run.checkpoints(), 3).bestOrLatest().orElseThrow();
    Path saved = ServingModel.export(run, ckpt, out.resolve("model"), 1);
    Path onnx = out.resolve("model.onnx");
    OnnxExport.write(weights(run, ckpt), run.preprocessor(), run.labels(), onnx);
    return new Path[] {saved, onnx};
  }

  /** The weights of a checkpoint, read out of the inference network the api's Model opens. */
  static TrainedWeights weights(RunDir run, Path ckpt) throws Exception {
    try (InferenceNetwork net = InferenceNetwork.restore(run.model(), run.preprocessor(),
        ckpt,
        SessionOptions.FLOAT32)) {
      return TrainedWeights.of(net);
    }
  }

  /** n pre-processed test images of the run's data, then n colour-noise inputs. */
  static float[] inputs(Path dir, Preprocessor pre, int n) throws Exception {
    var test = FashionMnist.open(TinyRun.data(dir), FashionMnist.Split.TEST);
    float[] images;
    try (BatchLoader l = BatchLoader.evaluation(Subset.first(test, n), pre, n, 1)) {
      images = l.next().images();
    }
    float[] noise = OnnxRuntimeCheck.colourNoise(n, pre.crop(), 7);
    float[] both = new float[images.length + noise.length];
    System.arraycopy(images, 0, both, 0, images.length);
    System.arraycopy(noise, 0, both, images.length, noise.length);
    return both;
  }

  /**
   * A run folder holding {@code model} as initialized (checkpoint 0), with numbered labels, a
   * random mean image and input scale 1/64.
   */
  static RunDir initializedRun(Path dir, ModelConfig model) throws Exception {
    return initializedRun(dir, model, ChannelOrder.RGB);
  }

  static RunDir initializedRun(Path dir, ModelConfig model, ChannelOrder order)
      throws Exception {
    RunDir run = new RunDir(dir.resolve("run"));
    List<String> labels = IntStream.range(0, model.classes()).mapToObj(i -> "class " + i)
        .toList();
    run.write(model, 1 / 64f, order, "none", labels);
    int canvas = Preprocessor.canvasFor(model.imageSize());
    float[] mean = new float[canvas * canvas * 3];
    Random rnd = new Random(2);
    for (int i = 0; i < mean.length; i++) {
      mean[i] = 100 + 30 * rnd.nextFloat();
    }
    new DataStats(canvas, mean, new ColorPca(new double[] {0.1, 0.01, 0.001},
        new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}), 1).save(run.stats());
    try (Graph g = new Graph()) {
      AlexNet.build(g, model, AlexNet.Mode.INFERENCE);
      try (Session s = new Session(g)) {
        s.initialize();
        new Checkpoints(run.checkpoints(), 3).save(s, 0, new Properties());
      }
    }
    return run;
  }

  static ModelProto parse(Path onnx) throws Exception {
    try (InputStream in = Files.newInputStream(onnx)) {
      return ModelProto.parseFrom(in);
    }
  }

  static Map<String, NodeProto> nodes(ModelProto m) {
    return m.getGraph().getNodeList().stream()
        .collect(Collectors.toMap(NodeProto::getName, n -> n));
  }

  static long intAttr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElseThrow().getI();
  }

  static float floatAttr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElseThrow().getF();
  }

  @Test
  void twoTowerRunRunsInOnnxRuntimeAsInTensorFlow() throws Exception {
    RunDir run = TinyRun.create(tmp, 1, SIZE, Variant.PAPER, 1);
    Path[] files = exportBoth(run, tmp);
    OnnxRuntimeCheck.Outputs got = OnnxRuntimeCheck.assertAgrees(files[0], files[1],
        inputs(tmp, run.preprocessor(), 4), 8, SIZE);

    ModelProto m = parse(files[1]);
    assertEquals(OnnxExport.OPSET, m.getOpsetImport(0).getVersion());
    Map<String, NodeProto> nodes = nodes(m);
    // The towers are one Conv per layer, grouped where the paper's towers kept to themselves.
    assertEquals(1, intAttr(nodes.get("conv1"), "group"));
    assertEquals(2, intAttr(nodes.get("conv2"), "group"));
    assertEquals(1, intAttr(nodes.get("conv3"), "group"));
    assertEquals(2, intAttr(nodes.get("conv4"), "group"));
    assertEquals(2, intAttr(nodes.get("conv5"), "group"));
    assertEquals(5, m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv")).count());
    // ONNX divides alpha by the window: the paper's 1e-4 on the sum is 5e-4 there.
    NodeProto lrn = nodes.get("norm1_A");
    assertEquals(5, intAttr(lrn, "size"));
    assertEquals(5e-4f, floatAttr(lrn, "alpha"));
    assertEquals(2f, floatAttr(lrn, "bias"));
    assertEquals(0.75f, floatAttr(lrn, "beta"));

    // Labels and pre-processing travel with the file.
    Map<String, String> meta = got.metadata();
    assertEquals(run.labels(), List.of(meta.get(OnnxExport.META_LABELS).split("\n")));
    assertEquals(Integer.toString(SIZE), meta.get(OnnxExport.META_IMAGE_SIZE));
    assertEquals(run.preprocessor().scale(), Float.parseFloat(meta.get(OnnxExport.META_SCALE)));
    byte[] mean = Base64.getDecoder().decode(meta.get(OnnxExport.META_MEAN_IMAGE));
    float[] decoded = new float[mean.length / 4];
    ByteBuffer.wrap(mean).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
    assertArrayEquals(run.preprocessor().mean(), decoded);

    var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.write(
        weights(run, new Checkpoints(run.checkpoints(), 3).bestOrLatest().orElseThrow()),
        run.preprocessor(), run.labels(), files[1]));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  /**
   * The one-tower variant, freshly initialized (trained this small at the paper's rate it tends
   * to collapse to the class prior, which would make any comparison pass).
   */
  @Test
  void oneTowerModelRunsInOnnxRuntimeAsInTensorFlow() throws Exception {
    RunDir run = initializedRun(tmp, ModelConfig.builder().variant(Variant.ONE_TOWER)
        .width(0.25).imageSize(SIZE).classes(10).init(WeightInit.HE).hiddenBias(0.1).seed(3)
        .build());
    Path[] files = exportBoth(run, tmp);
    OnnxRuntimeCheck.assertAgrees(files[0], files[1], OnnxRuntimeCheck.colourNoise(6, SIZE, 5),
        6, SIZE);
    Map<String, NodeProto> nodes = nodes(parse(files[1]));
    for (String conv : List.of("conv1", "conv2", "conv3", "conv4", "conv5")) {
      assertEquals(1, intAttr(nodes.get(conv), "group"), conv);
    }
    assertEquals("LRN", nodes.get("norm1").getOpType());
  }

  /**
   * A model set up as an imported Caffe one is: BGR input, BVLC's LRN constants, one LRN
   * window over both towers' maps (a single ONNX LRN, no split).
   */
  @Test
  void caffeStyleModelRunsInOnnxRuntimeAsInTensorFlow() throws Exception {
    RunDir run = initializedRun(tmp, ModelConfig.builder().width(0.25).imageSize(SIZE)
        .classes(10).init(WeightInit.HE).hiddenBias(0.1).seed(4)
        .lrn(LrnSettings.caffe(5, 1e-4f, 0.75f, 1f)).build(), ChannelOrder.BGR);
    Path[] files = exportBoth(run, tmp);
    OnnxRuntimeCheck.Outputs got = OnnxRuntimeCheck.assertAgrees(files[0], files[1],
        OnnxRuntimeCheck.colourNoise(6, SIZE, 9), 6, SIZE);
    ModelProto m = parse(files[1]);
    List<NodeProto> lrns = m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("LRN")).toList();
    assertEquals(2, lrns.size());
    assertEquals(1e-4f, floatAttr(lrns.get(0), "alpha"));
    assertEquals(1f, floatAttr(lrns.get(0), "bias"));
    assertEquals("BGR", got.metadata().get(OnnxExport.META_CHANNELS));
    assertEquals(2, intAttr(nodes(m).get("conv2"), "group"));
  }

  @Test
  void replicatedRunRunsInOnnxRuntimeAsInTensorFlow() throws Exception {
    RunDir run = TinyRun.create(tmp, 1, SIZE, Variant.PAPER, 2);
    Path[] files = exportBoth(run, tmp);
    OnnxRuntimeCheck.assertAgrees(files[0], files[1], inputs(tmp, run.preprocessor(), 4), 8,
        SIZE);
  }

  /**
   * The paper's full model (60,965,224 parameters, 227x227, 1000 classes), freshly initialized:
   * the shapes of the real thing, pool5 6x6.
   */
  @Test
  void paperSizedModelRunsInOnnxRuntimeAsInTensorFlow() throws Exception {
    RunDir run = initializedRun(tmp, ModelConfig.builder().init(WeightInit.HE)
        .hiddenBias(0.1).seed(11).build());
    Path[] files = exportBoth(run, tmp);
    ModelProto m = parse(files[1]);
    long params = m.getGraph().getInitializerList().stream()
        .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
        .mapToLong(t -> t.getDimsList().stream().reduce(1L, (a, b) -> a * b)).sum();
    assertEquals(60_965_224L, params);
    OnnxRuntimeCheck.assertAgrees(files[0], files[1], OnnxRuntimeCheck.colourNoise(2, 227, 3),
        2, 227);
  }

  @Test
  void notAnAlexNetIsRefusedWithTheMissingVariable() {
    var w = new TrainedWeights(Map.of("conv1/A/weights",
        new HostArray(new long[] {11, 11, 3, 2}, new float[11 * 11 * 3 * 2])), Map.of());
    var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.model(w,
        new Preprocessor(67, null), new ArrayList<>()));
    assertTrue(e.getMessage().contains("fc8/biases"), e.getMessage());
  }
}
