package io.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.Synthetic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/gpu-check, the script for the first machine with GPUs, run here in its --cpu mode: the
 * same steps on the CPU build with the towers on two virtual CPU devices, so that the script is
 * not the first thing to fail on a GPU. Its summary must be one JSON document saying how each
 * step went, and the towers' convolutions must be found each on its own device.
 */
class GpuCheckScriptTest {
  @TempDir Path tmp;

  @Test
  @SuppressWarnings("unchecked")
  void theScriptRunsEveryStepAndSummarisesThemInOneJsonDocument() throws Exception {
    Path data = tmp.resolve("data");
    int[] labels = new int[96];
    Synthetic.writeIdx(data, "train", Synthetic.images(96, 1, labels), labels, true);
    Path out = tmp.resolve("check");
    // The tests run in tools/, where the script is.
    ProcessBuilder pb = new ProcessBuilder("bash", Path.of("gpu-check").toAbsolutePath()
        .toString(), "--cpu", "--out", out.toString(), "--data", data.toString(), "--limit",
        "64").redirectError(tmp.resolve("stderr.txt").toFile());
    pb.environment().put("ALEXNET", String.join(" ", List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
        "-cp", System.getProperty("java.class.path"), Main.class.getName())));
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the script hangs");
    String stderr = Files.readString(tmp.resolve("stderr.txt"));
    assertEquals(0, p.exitValue(), stdout + stderr);

    Map<String, Object> summary = JsonDocument.object(Files.readString(out.resolve(
        "summary.json")));
    assertEquals(summary, JsonDocument.object(stdout));
    assertEquals("cpu", summary.get("mode"));
    assertEquals(0.0, summary.get("devices_exit"));
    // The CPU build cannot check kernels, and says so.
    Map<String, Object> kernels = (Map<String, Object>) summary.get("kernels");
    for (String g : List.of("train", "train_mixed", "infer", "savedmodel")) {
      Map<String, Object> k = (Map<String, Object>) kernels.get(g);
      assertEquals(2.0, k.get("exit"), g);
      assertTrue(((String) k.get("note")).contains("the check needs the GPU build"), g);
    }
    for (String b : List.of("bench_two_devices", "bench_one_device")) {
      Map<String, Object> bench = (Map<String, Object>) summary.get(b);
      assertEquals(0.0, bench.get("exit"), b);
      List<Object> rows = (List<Object>) ((Map<String, Object>) bench.get("result"))
          .get("measurements");
      assertTrue(rows.stream().anyMatch(r -> "train".equals(((Map<?, ?>) r).get("mode"))), b);
      assertTrue(rows.stream().anyMatch(r -> "infer".equals(((Map<?, ?>) r).get("mode"))), b);
    }
    // One device: float32 and this machine's auto precision, alternating, each labelled.
    List<Object> one = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) summary
        .get("bench_one_device")).get("result")).get("measurements");
    assertTrue(one.stream().anyMatch(r -> "float32".equals(((Map<?, ?>) r).get("precision"))),
        one.toString());
    Map<String, Object> train = (Map<String, Object>) summary.get("train");
    assertEquals(0.0, train.get("exit"), Files.readString(out.resolve("train.err")));
    assertTrue(train.get("val_top1_error") instanceof Double, train.toString());
    Map<String, Object> placement = (Map<String, Object>) summary.get("placement");
    assertEquals(true, placement.get("ok"), placement.toString());
    assertTrue(((String) placement.get("seen")).contains("conv5/B=/job:localhost/replica:0/task:0/"
        + "device:CPU:1"), placement.toString());

    // A second run never touches the first's folder.
    Process again = new ProcessBuilder("bash", Path.of("gpu-check").toAbsolutePath().toString(),
        "--cpu", "--out", out.toString()).start();
    assertTrue(again.waitFor(1, TimeUnit.MINUTES));
    assertNotEquals(0, again.exitValue());
    assertTrue(new String(again.getErrorStream().readAllBytes()).contains("exists"));
  }
}
