package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** devices answers "is it using my GPU?" on this CPU-only machine. */
class DevicesCommandTest {
  @Test
  void namesTheBuildOneDnnTheDevicesAndEveryCudaLibrary() {
    String[] r = cli("devices");
    assertEquals("0", r[0], r[2]);
    String out = r[1];
    assertTrue(out.startsWith("TensorFlow 2.18"), out);
    assertTrue(out.contains("CPU build"), out);
    // The tests run with TF_ENABLE_ONEDNN_OPTS=1, as the launcher does (see the root pom).
    assertTrue(out.contains("oneDNN kernels: on"), out);
    assertTrue(out.matches("(?s).*/device:CPU:0\\s+CPU\\s+host memory.*"), out);
    assertTrue(out.contains("no GPU: everything runs on the CPU"), out);
    for (String lib : DevicesCommand.GPU_LIBRARIES) {
      assertTrue(out.matches("(?s).*  " + lib.replace(".", "\\.") + "\\s+(missing|loads|found)"
          + ".*"), lib + " not reported:\n" + out);
    }
  }
}
