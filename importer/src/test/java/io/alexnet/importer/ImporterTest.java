package io.alexnet.importer;

import io.alexnet.runtime.SessionOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.Preprocessor;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.inference.SavedModelExport;
import io.alexnet.inference.ServingModel;
import io.alexnet.graph.LrnSettings;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import io.alexnet.runtime.HostArray;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bvlc_alexnet in the shapes and layouts of the published files, with seeded random weights:
 * the Caffe V1 file (as published), a current-layout Caffe file and the ONNX zoo's conversion
 * import to one model, and that model computes what ONNX Runtime computes on the ONNX file.
 */
class ImporterTest {
  static final int S = 227;
  @TempDir static Path tmp;
  static BvlcFiles bvlc;
  static Path onnx, caffeV1, caffeV2;
  static RunDir fromOnnx;

  @BeforeAll
  static void writeFilesAndImportTheOnnxOne() throws Exception {
    bvlc = new BvlcFiles(1.0, 1000, 42);
    onnx = tmp.resolve("bvlc_alexnet.onnx");
    caffeV1 = tmp.resolve("bvlc_alexnet.caffemodel");
    caffeV2 = tmp.resolve("bvlc_alexnet_v2.caffemodel");
    bvlc.writeOnnx(onnx, 9, S);
    bvlc.writeCaffe(caffeV1, true);
    bvlc.writeCaffe(caffeV2, false);
    fromOnnx = Importer.importFile(onnx, null, null, tmp.resolve("from-onnx")).run();
  }

  static TrainedWeights weights(RunDir run) throws Exception {
    try (InferenceNetwork net = InferenceNetwork.restore(run.model(), run.preprocessor(),
        new Checkpoints(run.checkpoints(), 3).bestOrLatest().orElseThrow(),
        SessionOptions.FLOAT32)) {
      return TrainedWeights.of(net);
    }
  }

  /** Network inputs as BVLC's pre-processing makes them: BGR, 0..255 minus the mean. */
  static float[] bgrInputs(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n * S * S * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat() * 255 - Importer.BVLC_MEAN_BGR[i % 3];
    }
    return x;
  }

  /** ONNX Runtime on one image of NHWC {@code x}, through the file's own input and output. */
  static float[] onnxRuntime(Path file, String input, String output, float[] x, int image)
      throws Exception {
    float[] nchw = new float[3 * S * S];
    int base = image * S * S * 3;
    for (int p = 0; p < S * S; p++) {
      for (int c = 0; c < 3; c++) {
        nchw[c * S * S + p] = x[base + p * 3 + c];
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), o);
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw),
            new long[] {1, 3, S, S});
        OrtSession.Result r = s.run(Map.of(input, t))) {
      return ((float[][]) r.get(output).orElseThrow().getValue())[0];
    }
  }

  @Test
  void theImportedRunKeepsBvlcsConventions() throws Exception {
    ModelConfig m = fromOnnx.model();
    assertEquals(Variant.PAPER, m.variant());
    assertEquals(1000, m.classes());
    assertEquals(227, m.imageSize());
    // Caffe's alpha 1e-4 over 5 channels is 2e-5 on the sum; k 1; one window over both towers.
    assertEquals(LrnSettings.caffe(5, 1e-4f, 0.75f, 1f), m.lrn());
    assertEquals(2e-5f, m.lrn().alpha());
    assertEquals(1f, m.lrn().bias());
    assertTrue(m.lrn().acrossTowers());
    Preprocessor pre = fromOnnx.preprocessor();
    assertEquals(ChannelOrder.BGR, pre.channelOrder());
    assertEquals(1f, pre.scale());
    assertArrayEquals(new float[] {104, 117, 123},
        new float[] {pre.mean()[0], pre.mean()[1], pre.mean()[2]});
    assertEquals("class 999", fromOnnx.labels().get(999));
  }

  /** Kernels OIHW to HWIO, group 2 to the towers, fc6's rows from C,H,W to H,W,C order. */
  @Test
  void weightsLandInTheTowersInTensorflowsLayout() throws Exception {
    TrainedWeights w = weights(fromOnnx);
    // conv2 is grouped: tower B's output 5 is the file's output 128 + 5, reading B's inputs.
    HostArray conv2b = w.get("conv2/B/weights"); // [5, 5, 48, 128]
    int o = 5, i = 7, h = 1, x = 3;
    assertEquals(bvlc.convW.get(1)[(((128 + o) * 48 + i) * 5 + h) * 5 + x],
        conv2b.values()[((h * 5 + x) * 48 + i) * 128 + o]);
    // conv3 is not: tower B's kernels are the second half of the outputs, over all 256 inputs.
    HostArray conv3b = w.get("conv3/B/weights"); // [3, 3, 256, 192]
    assertEquals(bvlc.convW.get(2)[(((192 + 4) * 256 + 200) * 3 + 2) * 3 + 1],
        conv3b.values()[((2 * 3 + 1) * 256 + 200) * 192 + 4]);
    // fc6 unit 2048 + 9 (tower B's 9) from pool5 channel 100, row 2, column 5.
    HostArray fc6b = w.get("fc6/B/weights"); // [9216, 2048]
    assertEquals(bvlc.fcW.get(0)[(2048 + 9) * 9216 + 100 * 36 + 2 * 6 + 5],
        fc6b.values()[((2 * 6 + 5) * 256 + 100) * 2048 + 9]);
    assertEquals(bvlc.fcB.get(2)[999], w.get("fc8/biases").values()[999]);
  }

  @Test
  void caffeFilesOldAndNewImportToTheSameModelAsTheOnnxFile() throws Exception {
    TrainedWeights want = weights(fromOnnx);
    for (Path caffe : new Path[] {caffeV1, caffeV2}) {
      Importer.Result r = Importer.importFile(caffe, null, null,
          tmp.resolve("from-" + caffe.getFileName()));
      assertEquals(fromOnnx.model(), r.run().model(), caffe.toString());
      assertTrue(r.model().source().format().startsWith("Caffe"), r.model().source().format());
      TrainedWeights got = weights(r.run());
      assertEquals(want.variables().keySet(), got.variables().keySet());
      for (String name : want.variables().keySet()) {
        assertArrayEquals(want.get(name).values(), got.get(name).values(), name);
      }
    }
  }

  @Test
  void theImportedModelComputesWhatOnnxRuntimeComputesOnTheFile() throws Exception {
    Path saved = ServingModel.export(fromOnnx, new Checkpoints(fromOnnx.checkpoints(), 3)
        .bestOrLatest().orElseThrow(), tmp.resolve("model"), 1);
    float[] x = bgrInputs(2, 5);
    ServingModel.Prediction tf;
    try (ServingModel m = ServingModel.load(saved)) {
      tf = m.predict(x, 2);
    }
    double spread = 0;
    for (int img = 0; img < 2; img++) {
      float[] ort = onnxRuntime(onnx, "data_0", "prob_1", x, img);
      for (int c = 0; c < 1000; c++) {
        assertEquals(ort[c], tf.probabilities()[img * 1000 + c], 1e-4f, "image " + img
            + " class " + c);
        spread = Math.max(spread, Math.abs(ort[c] - tf.probabilities()[c]));
      }
    }
    assertTrue(spread > 1e-3, "the two images get nearly the same probabilities: " + spread);

    // The round trip: exported to ONNX again, it runs as the original in ONNX Runtime, and
    // imports back to the same model.
    Path again = tmp.resolve("again.onnx");
    OnnxExport.write(weights(fromOnnx), fromOnnx.preprocessor(), fromOnnx.labels(), again);
    for (int img = 0; img < 2; img++) {
      float[] original = onnxRuntime(onnx, "data_0", "prob_1", x, img);
      float[] exported = onnxRuntime(again, OnnxExport.INPUT, OnnxExport.PROBABILITIES, x, img);
      for (int c = 0; c < 1000; c++) {
        assertEquals(original[c], exported[c], 1e-4f, "image " + img + " class " + c);
        assertEquals(tf.probabilities()[img * 1000 + c], exported[c], 1e-4f,
            "SavedModel against the exported file, image " + img + " class " + c);
      }
    }
    RunDir back = Importer.importFile(again, null, null, tmp.resolve("back")).run();
    assertEquals(fromOnnx.model(), back.model());
    assertEquals(fromOnnx.labels(), back.labels());
    assertArrayEquals(fromOnnx.preprocessor().mean(), back.preprocessor().mean());
    assertEquals(ChannelOrder.BGR, back.channelOrder());
    TrainedWeights a = weights(fromOnnx), b = weights(back);
    for (String name : a.variables().keySet()) {
      assertArrayEquals(a.get(name).values(), b.get(name).values(), name);
    }
  }
}
