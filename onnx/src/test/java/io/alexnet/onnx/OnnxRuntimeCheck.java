package io.alexnet.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.alexnet.inference.ServingModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** ONNX Runtime as the independent reference: runs an exported file and compares it. */
public final class OnnxRuntimeCheck {
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private OnnxRuntimeCheck() {}

  /** ONNX Runtime's outputs for NHWC images (transposed here to the file's NCHW). */
  public record Outputs(float[][] probabilities, int[][] top5, Map<String, String> metadata) {}

  public static Outputs run(Path onnx, float[] nhwc, int n, int s) throws OrtException {
    float[] nchw = new float[nhwc.length];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          for (int c = 0; c < 3; c++) {
            nchw[((i * 3 + c) * s + y) * s + x] = nhwc[((i * s + y) * s + x) * 3 + c];
          }
        }
      }
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession session = ENV.createSession(onnx.toString(), o);
        OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(nchw),
            new long[] {n, 3, s, s});
        OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
      return new Outputs(
          (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue(),
          (int[][]) r.get(OnnxExport.TOP5).orElseThrow().getValue(),
          session.getMetadata().getCustomMetadata());
    }
  }

  /**
   * The ONNX file gives the SavedModel's probabilities to 1e-4 on {@code nhwc}, and its top-5
   * are classes of the same probabilities rank by rank (robust to ties). Returns ONNX Runtime's
   * outputs.
   */
  static Outputs assertAgrees(Path savedModel, Path onnx, float[] nhwc, int n, int s)
      throws Exception {
    ServingModel.Prediction want;
    try (ServingModel m = ServingModel.load(savedModel)) {
      want = m.predict(nhwc, n);
    }
    Outputs got = run(onnx, nhwc, n, s);
    int classes = want.classes();
    assertEquals(n, got.probabilities().length);
    assertEquals(classes, got.probabilities()[0].length);
    int k = Math.min(5, classes);
    double spread = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        float p = want.probabilities()[i * classes + c];
        assertEquals(p, got.probabilities()[i][c], 1e-4f, "image " + i + " class " + c);
        spread = Math.max(spread, Math.abs(p - want.probabilities()[c]));
      }
      for (int r = 0; r < k; r++) {
        float wantP = want.probabilities()[i * classes + want.top5()[i * k + r]];
        float gotP = want.probabilities()[i * classes + got.top5()[i][r]];
        assertEquals(wantP, gotP, 1e-4f, "image " + i + " rank " + r);
      }
    }
    // The comparison means something only if the model tells its inputs apart.
    assertTrue(spread > 1e-3, "probabilities hardly depend on the input: " + spread);
    return got;
  }

  /** Colour noise in the network's input units: R, G and B differ, unlike the grey test data. */
  static float[] colourNoise(int n, int s, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n * s * s * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextGaussian() + (i % 3 - 1) * 0.5);
    }
    return x;
  }
}
