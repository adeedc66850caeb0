package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Under TF Java's CUDA build (its 530 MB natives), every op of the training step, the
 * inference network and the exported SavedModel has a GPU kernel: nothing a GPU host would
 * quietly run on its CPU. No GPU is needed, only the build's kernel registry; CI, which does
 * not download that build, skips it. Run it with
 * {@code mvn -B -Pgpu-check verify -pl tools -am -Dtest=GpuKernelsTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("gpu-build")
class GpuKernelsTest {

  @Test
  void everyOpOfEveryGraphHasAGpuKernel() {
    assertTrue(DevicesCommand.gpuBuild(), "this test needs the GPU build: -Pgpu-check");
    String[][] graphs = {
        {"train"},
        {"train", "--replicas", "2"},
        {"train", "--sync"},
        {"train", "--precision", "mixed"},
        {"train", "--variant", "one-tower", "--replicas", "2"},
        {"infer"},
        {"infer", "--variant", "one-tower"},
        {"savedmodel"},
    };
    for (String[] g : graphs) {
      String[] args = new String[3 + g.length];
      args[0] = "devices";
      args[1] = "--kernels";
      args[2] = "--graph";
      System.arraycopy(g, 0, args, 3, g.length);
      String[] r = cli(args);
      assertEquals("0", r[0], String.join(" ", g) + ": " + r[1] + r[2]);
      assertTrue(r[1].contains("; 0 without a GPU kernel"), r[1]);
    }
  }
}
