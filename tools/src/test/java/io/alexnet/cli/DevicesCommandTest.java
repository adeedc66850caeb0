package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * devices answers "is it using my GPU?": its report has the same parts on any host (CPU or GPU
 * build, with or without GPUs, any TensorFlow version), each in the form a reader relies on.
 */
class DevicesCommandTest {
  @Test
  void reportsTheBuildOneDnnEveryDeviceAndEveryCudaLibrary() {
    String[] r = cli("devices");
    assertEquals("0", r[0], r[2]);
    List<String> lines = r[1].lines().toList();
    assertTrue(lines.get(0).matches("TensorFlow \\d+\\.\\d+\\.\\d+ \\(TensorFlow Java \\S+,"
        + " (CPU|GPU) build, .*"), lines.get(0));
    assertTrue(lines.get(1).matches("oneDNN kernels: (on|off)( .*)?"), lines.get(1));
    assertTrue(lines.get(2).matches("oneDNN weight cache: (on|off)( .*)?"), lines.get(2));
    Matcher count = Pattern.compile("devices \\((\\d+)\\):").matcher(lines.get(3));
    assertTrue(count.matches(), lines.get(3));
    int n = Integer.parseInt(count.group(1));
    assertTrue(n >= 1, lines.get(3));
    boolean cpu = false;
    int gpus = 0;
    for (String device : lines.subList(4, 4 + n)) {
      Matcher d = Pattern.compile("  (\\S*/device:(CPU|GPU):\\d+)\\s+(CPU|GPU)\\s+.+")
          .matcher(device);
      assertTrue(d.matches(), device);
      assertEquals(d.group(2), d.group(3), device);
      cpu |= d.group(2).equals("CPU");
      gpus += d.group(2).equals("GPU") ? 1 : 0;
    }
    assertTrue(cpu, "no CPU device:\n" + r[1]);
    // Without a GPU the report says where everything runs.
    assertEquals(gpus == 0, r[1].contains("no GPU: everything runs on the CPU"), r[1]);
    // What auto precision becomes here, as the library decides it.
    String auto = io.alexnet.runtime.Machine.current()
        .arithmetic(io.alexnet.runtime.Precision.AUTO).precision().label();
    assertTrue(lines.contains(lines.stream().filter(l -> l.startsWith("precision: auto runs "
        + auto + " here (")).findFirst().orElse("missing")), r[1]);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("CPU: ")), r[1]);
    for (String lib : DevicesCommand.GPU_LIBRARIES) {
      assertTrue(lines.stream().anyMatch(l -> l.matches("  " + Pattern.quote(lib)
          + "\\s+(missing|loads|found)( .*)?")), lib + " not reported:\n" + r[1]);
    }
  }

  /**
   * --kernels lists every op with the device types it has kernels for; checking a graph needs
   * the GPU build's registry, and the CPU build says so (GpuKernelsTest runs the check).
   */
  @Test
  void kernelsAreListedByOpAndTheGraphCheckAsksForTheGpuBuild() {
    String[] list = cli("devices", "--kernels");
    assertEquals("0", list[0], list[2]);
    assertTrue(list[1].lines().findFirst().orElseThrow().matches("kernels by device: \\{.*CPU=\\d+.*\\}"),
        list[1].lines().findFirst().orElseThrow());
    assertTrue(list[1].lines().anyMatch(l -> l.matches("  Conv2D\\s+\\[.*CPU.*\\]")), "Conv2D");
    if (!DevicesCommand.gpuBuild()) {
      String[] check = cli("devices", "--kernels", "--graph", "train");
      assertEquals("2", check[0], check[1] + check[2]);
      assertTrue(check[2].contains("the check needs the GPU build"), check[2]);
    }
    String[] bad = cli("devices", "--graph", "train");
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("--graph goes with --kernels"), bad[2]);
  }

}
