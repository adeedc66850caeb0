package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The bench harness runs every mode and reports consistent figures (no speed thresholds). */
class BenchCommandTest {

  @Test
  void everyModePrintsItsFigures() {
    String[] r = cli("bench", "--batch", "2", "--steps", "2", "--warmup", "1", "--matmul", "256",
        "--classes", "10");
    assertEquals("0", r[0], r[1] + r[2]);
    for (String mode : new String[] {"matmul", "train", "infer", "pipeline"}) {
      assertTrue(r[1].lines().anyMatch(l -> l.startsWith(mode)), mode + " missing:\n" + r[1]);
    }
  }

  @Test
  void jsonFiguresAreConsistent() {
    String[] r = cli("bench", "--mode", "infer", "--batch", "3", "--steps", "2", "--warmup", "0",
        "--matmul", "256", "--classes", "10", "--json");
    assertEquals("0", r[0], r[1] + r[2]);
    String infer = r[1].lines().filter(l -> l.contains("\"mode\":\"infer\"")).findFirst()
        .orElseThrow();
    double s = num(infer, "seconds_per_step"), ips = num(infer, "images_per_second");
    double gflops = num(infer, "gflops"), limit = num(infer, "matmul_limit_gflops");
    assertEquals(3 / s, ips, 1e-3 * ips);
    // 2 FLOP per multiply-add, 0.72 G multiply-adds per image.
    assertEquals(2 * 0.7204e9 * 3 / s / 1e9, gflops, 0.01 * gflops);
    assertEquals(gflops / limit, num(infer, "fraction_of_limit"), 1e-3);
    assertEquals("2", cli("bench", "--mode", "fly")[0]);
  }

  static double num(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":([0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
