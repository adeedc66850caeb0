package io.alexnet.graph;

import java.util.Locale;
import java.util.stream.Collectors;

/** A table like Keras' {@code model.summary()}: one row per layer, then totals. */
public final class ModelSummary {
  private ModelSummary() {}

  public static String of(AlexNet net) {
    ModelConfig c = net.config();
    StringBuilder sb = new StringBuilder();
    String fmt = "%-10s %-16s %14s %16s  %s%n";
    String rule = "-".repeat(86) + "\n";
    sb.append(
        String.format(Locale.ROOT, "AlexNet (%s, %d classes, %dx%dx3 input, width %s, %s init)%n",
            c.variant().label(), c.classes(), c.imageSize(), c.imageSize(), trim(c.width()),
            c.init().name().toLowerCase()));
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, fmt, "Layer", "Output shape", "Params", "Mult-adds",
        "Device"));
    sb.append(rule.replace('-', '='));
    for (LayerRow r : net.layers()) {
      String shape = r.outputShape().stream().map(String::valueOf).collect(Collectors.joining("x"));
      String dev =
          r.devices().stream().map(d -> d.isEmpty() ? "(any)" : d).distinct()
              .collect(Collectors.joining(" | "));
      sb.append(String.format(Locale.ROOT, fmt, r.name(), shape, group(r.params()),
          group(r.multiplyAdds()), dev));
    }
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "Total params:       %s%n", group(net.parameterCount())));
    sb.append(String.format(Locale.ROOT, "Mult-adds / image:  %s (%.3f G)%n",
        group(net.multiplyAdds()), net.multiplyAdds() / 1e9));
    sb.append(String.format(Locale.ROOT, "Weights (float32):  %.1f MiB%n",
        net.parameterCount() * 4.0 / (1 << 20)));
    return sb.toString();
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
