package io.alexnet.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A table like Keras' {@code model.summary()}: one row per layer, then totals, worked out from
 * the configuration alone (Section 3.5's sizes, Figure 2's groups), so that printing it builds
 * no graph. {@code ModelSummaryTest} holds every row against the rows the built graph reports.
 */
public final class ModelSummary {
  private ModelSummary() {}

  /** The inference network's layers, as {@link AlexNet#layers()} reports them. */
  public static List<LayerRow> rows(ModelConfig c) {
    LayerSizes n = c.sizes();
    LayerSizes.Spatial s = LayerSizes.spatial(c.imageSize());
    int t = c.variant().towers();
    List<String> towers = new ArrayList<>();
    for (int i = 0; i < t; i++) {
      towers.add(c.devices().tower(i));
    }
    List<String> head = List.of(c.devices().tower(0));
    List<String> lrnAt = t > 1 && c.lrn().acrossTowers() ? head : towers;
    List<LayerRow> rows = new ArrayList<>();
    // conv1 sees the image; conv2, conv4 and conv5 only their own tower's maps (the groups);
    // conv3 and the fully connected layers see both towers'.
    rows.add(conv("conv1", s.conv1(), n.conv1(), 11, 3, towers));
    rows.add(map("lrn1", s.conv1(), n.conv1(), lrnAt));
    rows.add(map("pool1", s.pool1(), n.conv1(), towers));
    rows.add(conv("conv2", s.pool1(), n.conv2(), 5, n.conv1() / t, towers));
    rows.add(map("lrn2", s.pool1(), n.conv2(), lrnAt));
    rows.add(map("pool2", s.pool2(), n.conv2(), towers));
    rows.add(conv("conv3", s.pool2(), n.conv3(), 3, n.conv2(), towers));
    rows.add(conv("conv4", s.pool2(), n.conv4(), 3, n.conv3() / t, towers));
    rows.add(conv("conv5", s.pool2(), n.conv5(), 3, n.conv4() / t, towers));
    rows.add(map("pool5", s.pool5(), n.conv5(), towers));
    long flat = (long) s.pool5() * s.pool5() * n.conv5();
    rows.add(dense("fc6", flat, n.fc6(), towers));
    rows.add(dense("fc7", n.fc6(), n.fc7(), towers));
    rows.add(dense("fc8", n.fc7(), c.classes(), head));
    return rows;
  }

  private static LayerRow conv(String name, int size, int out, int k, int in,
      List<String> devices) {
    long positions = (long) size * size;
    return new LayerRow(name, List.of((long) size, (long) size, (long) out),
        (long) k * k * in * out + out, positions * out * k * k * in, devices);
  }

  private static LayerRow map(String name, int size, int channels, List<String> devices) {
    return new LayerRow(name, List.of((long) size, (long) size, (long) channels), 0, 0,
        devices);
  }

  private static LayerRow dense(String name, long in, int out, List<String> devices) {
    return new LayerRow(name, List.of((long) out), in * out + out, in * out, devices);
  }

  /** Trainable parameters of the whole network. */
  public static long parameterCount(ModelConfig c) {
    return rows(c).stream().mapToLong(LayerRow::params).sum();
  }

  /** Multiply-adds of one image's forward pass. */
  public static long multiplyAdds(ModelConfig c) {
    return rows(c).stream().mapToLong(LayerRow::multiplyAdds).sum();
  }

  /** The table. */
  public static String of(ModelConfig c) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-10s %-16s %14s %16s  %s%n";
    String rule = "-".repeat(86) + "\n";
    sb.append(
        String.format(Locale.ROOT, "AlexNet (%s, %d classes, %dx%dx3 input, width %s, %s init)%n",
            c.variant().label(), c.classes(), c.imageSize(), c.imageSize(), trim(c.width()),
            c.init().name().toLowerCase(Locale.ROOT)));
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, fmt, "Layer", "Output shape", "Params", "Mult-adds",
        "Device"));
    sb.append(rule.replace('-', '='));
    for (LayerRow r : rows(c)) {
      String shape = r.outputShape().stream().map(String::valueOf).collect(Collectors.joining("x"));
      String dev =
          r.devices().stream().map(d -> d.isEmpty() ? "(any)" : d).distinct()
              .collect(Collectors.joining(" | "));
      sb.append(String.format(Locale.ROOT, fmt, r.name(), shape, group(r.params()),
          group(r.multiplyAdds()), dev));
    }
    long params = parameterCount(c), macs = multiplyAdds(c);
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "Total params:       %s%n", group(params)));
    sb.append(String.format(Locale.ROOT, "Mult-adds / image:  %s (%.3f G)%n", group(macs),
        macs / 1e9));
    sb.append(String.format(Locale.ROOT, "Weights (float32):  %.1f MiB%n",
        params * 4.0 / (1 << 20)));
    return sb.toString();
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
