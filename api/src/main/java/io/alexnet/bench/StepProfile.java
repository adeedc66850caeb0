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

  /**
   * Where each tower's convolutions ran, from a traced step: {@code conv1/A} to the devices
   * its forward convolution kernels ran on (one, when placement is right). Fused kernels keep
   * another op's name, so a node counts by the kernel the trace says ran.
   *
   * @param md the step's metadata, traced with full step stats
   * @return layer and tower to the devices, sorted
   */
  public static Map<String, java.util.Set<String>> convDevices(RunMetadata md) {
    Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
    java.util.regex.Pattern layer =
        java.util.regex.Pattern.compile("(?:^|/)(conv\\d)(/[AB])?/");
    for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : d.getNodeStatsList()) {
        String ran = kernel(n);
        java.util.regex.Matcher m = layer.matcher(n.getNodeName());
        if (ran.contains("Conv2D") && !ran.contains("Backprop") && !n.getNodeName()
            .contains("gradients") && m.find()) {
          String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
          out.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(d.getDevice());
        }
      }
    }
    return out;
  }

  /**
   * @param devices what {@link #convDevices} found
   * @return one line: {@code conv devices: conv1/A=DEVICE conv1/B=DEVICE ...}
   */
  public static String formatDevices(Map<String, java.util.Set<String>> devices) {
    StringBuilder sb = new StringBuilder("conv devices:");
    devices.forEach((k, v) -> sb.append(' ').append(k).append('=').append(String.join("+", v)));
    return sb.append(System.lineSeparator()).toString();
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
