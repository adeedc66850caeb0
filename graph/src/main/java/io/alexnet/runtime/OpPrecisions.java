package io.alexnet.runtime;

import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Which ops of a run computed in which floating-point type, read from the graphs TensorFlow
 * actually executed (after grappler's and oneDNN's rewrites): the proof that mixed precision
 * happened, and where. Trace a run with {@link #RUN_OPTIONS} and pass its metadata.
 *
 * @param byType the floating-point type ("float32", "bfloat16", "float16", "float64") to the
 *     op types that ran in it and how many nodes of each
 */
public record OpPrecisions(Map<String, Map<String, Integer>> byType) {
  /** Run options that make TensorFlow return the executed (partition) graphs. */
  public static final RunOptions RUN_OPTIONS =
      RunOptions.newBuilder().setOutputPartitionGraphs(true).build();

  /**
   * Counts the executed graphs' nodes by their type attribute ({@code T}, else {@code dtype}).
   * Casts count by what they produce ({@code DstT}), so that casting into bfloat16 counts
   * there. Nodes without a floating-point type (integers, control ops) are left out.
   *
   * @param md the metadata of a run with {@link #RUN_OPTIONS}
   * @return the census
   * @throws IllegalArgumentException if the metadata holds no executed graph
   */
  public static OpPrecisions of(RunMetadata md) {
    if (md.getPartitionGraphsCount() == 0) {
      throw new IllegalArgumentException("the run's metadata has no executed graph: run it with"
          + " OpPrecisions.RUN_OPTIONS");
    }
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    for (GraphDef g : md.getPartitionGraphsList()) {
      for (NodeDef n : g.getNodeList()) {
        String type = floatType(n);
        if (type != null) {
          out.computeIfAbsent(type, k -> new TreeMap<>()).merge(n.getOp(), 1, Integer::sum);
        }
      }
    }
    return new OpPrecisions(out);
  }

  private static String floatType(NodeDef n) {
    for (String attr : new String[] {"DstT", "T", "dtype"}) {
      AttrValue v = n.getAttrMap().get(attr);
      if (v != null && v.hasType()) {
        return name(v.getType());
      }
    }
    return null;
  }

  private static String name(DataType t) {
    return switch (t) {
      case DT_FLOAT -> "float32";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_HALF -> "float16";
      case DT_DOUBLE -> "float64";
      default -> null;
    };
  }

  /** Nodes that ran in {@code type}, of op types containing {@code opPart} (any case). */
  public int count(String type, String opPart) {
    return byType.getOrDefault(type, Map.of()).entrySet().stream()
        .filter(e -> e.getKey().toLowerCase().contains(opPart.toLowerCase()))
        .mapToInt(Map.Entry::getValue).sum();
  }

  /** Nodes that ran in {@code type}. */
  public int count(String type) {
    return count(type, "");
  }

  /** A table: per type, its node count and op types, largest first. */
  public String format() {
    StringBuilder sb = new StringBuilder("ops by the type they computed in:");
    byType.forEach((type, ops) -> {
      sb.append(String.format(java.util.Locale.ROOT, "%n  %-9s %5d nodes:", type,
          ops.values().stream().mapToInt(Integer::intValue).sum()));
      ops.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(e -> sb.append(' ').append(e.getKey()).append('=').append(e.getValue()));
    });
    return sb.append(System.lineSeparator()).toString();
  }
}
