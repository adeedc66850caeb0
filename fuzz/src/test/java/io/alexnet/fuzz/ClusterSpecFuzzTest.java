package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.cluster.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The {@code --cluster JOB=HOST:PORT,...} values and the {@code --job/--task} check. Contract:
 * a spec, or IllegalArgumentException saying what a valid value looks like.
 *
 * <p>Input: text lines; the first is "JOB TASK" for the check, the others are --cluster values.
 */
class ClusterSpecFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void cluster(byte[] data) {
    List<String> lines = Arrays.asList(new String(data, StandardCharsets.UTF_8).split("\n", -1));
    String[] role = lines.get(0).split(" ", 2);
    List<String> flags = lines.subList(1, lines.size());
    Contract.returnsOrRefuses(() -> {
      ClusterSpec spec = ClusterSpec.parse(flags);
      spec.checkTask(role[0], role.length > 1 ? parseTask(role[1]) : 0);
      spec.toProto();
    }, Set.of(IllegalArgumentException.class));
  }

  /** What picocli does for --task before the spec sees it. */
  private static int parseTask(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
