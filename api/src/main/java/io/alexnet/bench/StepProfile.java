package io.alexnet.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/** Where a step's time went: op time per op type, from TensorFlow's step stats. */
public final class StepProfile {
  private StepProfile() {}

  /**
   * Op type -> summed op time in milliseconds, largest first.
   *
   * @param g the graph the step ran
   * @param md the step's metadata, traced with full step stats
   * @return op type to milliseconds, largest first
   */
  public static Map<String, Double> byOpType(Graph g, RunMetadata md) {
    Map<String, Double> ms = new HashMap<>();
    for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : d.getNodeStatsList()) {
        // Grappler and oneDNN rewrite nodes, and a fused op keeps the name of the last op it
        // swallowed (conv1/A/Relu runs convolution, bias and ReLU): label every node by the
        // kernel that ran, from the trace, and by the graph's op type only when that is missing.
        GraphOperation op = g.operation(n.getNodeName());
        String ran = kernel(n);
        String type = !ran.equals(n.getNodeName()) ? ran : op != null ? op.type() : ran;
        ms.merge(type, n.getOpEndRelMicros() / 1000.0, Double::sum);
      }
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    ms.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static String kernel(NodeExecStats n) {
    String label = n.getTimelineLabel();
    int eq = label.indexOf(" = "), paren = label.indexOf('(', Math.max(eq, 0));
    return eq >= 0 && paren > eq ? label.substring(eq + 3, paren) : n.getNodeName();
  }

  /**
   * @param ms op type to milliseconds, largest first
   * @param top how many op types to list
   * @return a table of the largest, with each one's share of the total
   */
  public static String format(Map<String, Double> ms, int top) {
    double total = ms.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "op time by type (summed over threads; %.0f ms in all):%n", total));
    ms.entrySet().stream().limit(top).forEach(e -> sb.append(String.format(Locale.ROOT,
        "  %-28s %9.1f ms %5.1f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / total)));
    return sb.toString();
  }
}
