package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench harness runs every mode and reports consistent figures (no speed thresholds). */
class BenchCommandTest {

  /**
   * Every mode's row holds figures that agree with each other: images/s is the batch over the
   * median step time, GFLOP/s the work per step over it (a training step is three forward
   * passes), the fraction is GFLOP/s over the MatMul limit the same run measured.
   */
  @Test
  void everyModePrintsFiguresThatAgree() {
    String[] r = cli("bench", "--batch", "2", "--steps", "2", "--warmup", "1", "--matmul", "256",
        "--classes", "10", "--json");
    assertEquals("0", r[0], r[1] + r[2]);
    double limit = num(measurement(r[1], "train"), "matmul_limit_gflops");
    assertTrue(limit > 0, r[1]);
    for (String mode : new String[] {"train", "infer", "pipeline"}) {
      Map<String, Object> row = measurement(r[1], mode);
      double s = num(row, "seconds_per_step"), ips = num(row, "images_per_second");
      assertTrue(s > 0, row.toString());
      assertEquals(2 / s, ips, 1e-3 * ips, row.toString());
      if (mode.equals("train")) {
        double gflops = num(row, "gflops");
        assertEquals(3 * 2 * 0.7204e9 * 2 / s / 1e9, gflops, 0.01 * gflops, row.toString());
        assertEquals(gflops / limit, num(row, "fraction_of_limit"), 1e-3, row.toString());
        assertEquals(limit, num(row, "matmul_limit_gflops"), 1e-6 * limit, row.toString());
      }
    }
  }

  @Test
  void jsonFiguresAreConsistent() {
    String[] r = cli("bench", "--mode", "infer", "--batch", "3", "--steps", "2", "--warmup", "0",
        "--matmul", "256", "--classes", "10", "--json");
    assertEquals("0", r[0], r[1] + r[2]);
    Map<String, Object> infer = measurement(r[1], "infer");
    double s = num(infer, "seconds_per_step"), ips = num(infer, "images_per_second");
    double gflops = num(infer, "gflops"), limit = num(infer, "matmul_limit_gflops");
    assertEquals(3 / s, ips, 1e-3 * ips);
    // 2 FLOP per multiply-add, 0.72 G multiply-adds per image.
    assertEquals(2 * 0.7204e9 * 3 / s / 1e9, gflops, 0.01 * gflops);
    assertEquals(gflops / limit, num(infer, "fraction_of_limit"), 1e-3);
    assertEquals("2", cli("bench", "--mode", "fly")[0]);
  }

  /**
   * Two precisions in one run: each measurement names its precision and is held against the
   * MatMul limit of its own type, both limits printed.
   */
  @Test
  @SuppressWarnings("unchecked")
  void eachPrecisionIsMeasuredAgainstItsOwnLimit() {
    String[] r = cli("bench", "--mode", "infer", "--batch", "2", "--steps", "1", "--warmup", "0",
        "--matmul", "256", "--matmul-runs", "3", "--classes", "10", "--precision",
        "float32,auto", "--json");
    assertEquals("0", r[0], r[1] + r[2]);
    Map<String, Object> doc = (Map<String, Object>) io.alexnet.io.JsonText.parse(r[1]);
    Map<String, Object> limits = (Map<String, Object>) doc.get("matmul_limits_gflops");
    String auto = io.alexnet.runtime.Machine.current().arithmetic(
        io.alexnet.runtime.Precision.AUTO).precision().label();
    List<Object> rows = (List<Object>) doc.get("measurements");
    assertEquals(auto.equals("float32") ? 1 : 2, rows.size(), rows.toString());
    for (Object o : rows) {
      Map<String, Object> row = (Map<String, Object>) o;
      String key = "float32".equals(row.get("precision")) ? "float32" : "bfloat16";
      assertEquals(num(limits, key), num(row, "matmul_limit_gflops"), 1e-9, row.toString());
      assertEquals(num(row, "gflops") / num(limits, key), num(row, "fraction_of_limit"), 1e-6);
    }
    if (!auto.equals("float32")) {
      assertTrue(rows.stream().anyMatch(o -> "mixed".equals(((Map<?, ?>) o).get("precision"))));
    }
    String text = cli("bench", "--mode", "infer", "--batch", "2", "--steps", "1", "--warmup",
        "0", "--matmul", "256", "--matmul-runs", "3", "--classes", "10")[1];
    assertTrue(text.contains("256x256x256 float32 tensors"), text);
  }

  @Test
  void inferenceProfileNamesTheNetworksOps() {
    String[] r = cli("bench", "--mode", "infer", "--batch", "2", "--steps", "1", "--warmup", "0",
        "--matmul", "256", "--classes", "10", "--profile");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("op time by type"), r[1]);
    // The inference graph's own ops, not the training step's: the LRN written out (its rsqrt),
    // the convolutions, and no gradient kernels.
    assertTrue(r[1].lines().anyMatch(l -> l.trim().startsWith("Rsqrt ")), r[1]);
    assertTrue(r[1].lines().anyMatch(l -> l.contains("Conv2D")), r[1]);
    assertFalse(r[1].contains("Backprop"), r[1]);
    assertTrue(r[1].contains("ops by the type they computed in"), r[1]);
  }

  @Test
  void trainingProfileTracesTheTrainersOwnStep() {
    String[] r = cli("bench", "--mode", "train", "--batch", "2", "--steps", "1", "--warmup", "0",
        "--matmul", "256", "--classes", "10", "--image-size", "67", "--width", "0.25",
        "--precision", "float32", "--profile");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("op time by type"), r[1]);
    assertTrue(r[1].contains("Conv2DBackpropFilter"), r[1]);
    String census = r[1].lines().filter(l -> l.trim().startsWith("float32")).findFirst()
        .orElseThrow(() -> new AssertionError(r[1]));
    // The update, and the two values Trainer.fit fetches from a step: loss and probabilities.
    assertTrue(census.contains("ApplyMomentum="), census);
    assertTrue(census.contains("_Retval=2"), census);
  }

  /**
   * --mode serving times an exported model's two signatures: float images through
   * serving_default, JPEG files through classify_images.
   */
  @Test
  void servingModeTimesBothSignaturesOfAnExport(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path tmp) throws Exception {
    io.alexnet.store.RunDir run = io.alexnet.train.TinyRun.create(tmp, 1);
    java.nio.file.Path model = tmp.resolve("model");
    assertEquals("0", cli("export", "--model", run.dir().toString(), "--out",
        model.toString())[0]);
    String[] r = cli("bench", "--mode", "serving", "--model", model.toString(), "--batch", "3",
        "--steps", "2", "--warmup", "0", "--matmul", "256", "--json");
    assertEquals("0", r[0], r[1] + r[2]);
    for (String mode : new String[] {"serving", "classify"}) {
      Map<String, Object> row = measurement(r[1], mode);
      double s = num(row, "seconds_per_step");
      assertEquals(3 / s, num(row, "images_per_second"), 1e-3 * 3 / s, row.toString());
    }
    String refused = cli("bench", "--mode", "serving")[2];
    assertTrue(refused.contains("give --model"), refused);
  }

  /**
   * The measurement of {@code mode} in bench's --json output, which must be one JSON document
   * and nothing else.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> measurement(String stdout, String mode) {
    Map<String, Object> doc = JsonDocument.object(stdout);
    assertTrue(doc.containsKey("onednn_weight_cache"), stdout);
    for (Object m : (List<Object>) doc.get("measurements")) {
      Map<String, Object> row = (Map<String, Object>) m;
      if (mode.equals(row.get("mode"))) {
        return row;
      }
    }
    throw new AssertionError(mode + " missing:\n" + stdout);
  }

  static double num(Map<String, Object> row, String key) {
    Object v = row.get(key);
    assertTrue(v instanceof Double, key + " in " + row);
    return (Double) v;
  }

}
