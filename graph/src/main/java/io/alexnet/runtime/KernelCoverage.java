package io.alexnet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Which ops of a graph have no GPU kernel for their types. Under soft placement such an op runs
 * on the CPU without a word, and costs a copy from the GPU and back on every step; the
 * registry of the CUDA build ({@link KernelRegistry}) finds them on a machine without a GPU.
 */
public final class KernelCoverage {
  private KernelCoverage() {}

  private static final Pattern LAYER = Pattern.compile("(conv|lrn|pool|fc|dropout)\\d");

  /**
   * An op with no GPU kernel.
   *
   * @param name the op's name in the graph
   * @param op its type
   * @param types its type attributes, e.g. {@code T=DT_INT64}
   * @param layer the network layer its name places it in, or the first part of its name
   * @param device the device it asks for ("" for none)
   */
  public record Missing(String name, String op, Map<String, String> types, String layer,
      String device) {
    @Override
    public String toString() {
      return String.format("%-14s %-28s %-36s %s", layer, op, types, name);
    }
  }

  /**
   * The ops of {@code graph} that would run on a CPU of a GPU host for want of a GPU kernel:
   * those pinned to a GPU ({@link #pinnedToGpu}) and those pinned nowhere ({@link #unpinned}).
   * Ops pinned to a CPU are on the host by design and not counted.
   */
  public static List<Missing> check(GraphDef graph, KernelRegistry kernels) {
    List<Missing> out = new ArrayList<>(pinnedToGpu(graph, kernels));
    out.addAll(unpinned(graph, kernels));
    return out;
  }

  /** The ops of {@code graph} that ask for a GPU and have no GPU kernel in {@code kernels}. */
  public static List<Missing> pinnedToGpu(GraphDef graph, KernelRegistry kernels) {
    List<Missing> out = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (n.getDevice().toUpperCase().contains("GPU") && kernels.find(n, "GPU").isEmpty()) {
        out.add(missing(n));
      }
    }
    return out;
  }

  /**
   * The ops of {@code graph} that ask for no device and have no GPU kernel: what TensorFlow
   * Serving on a GPU host would run on the CPU.
   */
  public static List<Missing> unpinned(GraphDef graph, KernelRegistry kernels) {
    List<Missing> out = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (n.getDevice().isEmpty() && kernels.find(n, "GPU").isEmpty()) {
        out.add(missing(n));
      }
    }
    return out;
  }

  /**
   * The floating-point op types of {@code graph}, pinned to a GPU, with no GPU kernel for
   * float16: what TensorFlow's CUDA mixed-precision rewrite leaves in float32, sorted.
   */
  public static List<String> withoutFloat16(GraphDef graph, KernelRegistry kernels) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (NodeDef n : graph.getNodeList()) {
      AttrValue t = n.getAttrMap().get("T");
      if (!n.getDevice().toUpperCase().contains("GPU") || t == null
          || t.getType() != org.tensorflow.proto.DataType.DT_FLOAT) {
        continue;
      }
      NodeDef half = n.toBuilder().putAttr("T", AttrValue.newBuilder()
          .setType(org.tensorflow.proto.DataType.DT_HALF).build()).build();
      if (kernels.find(half, "GPU").isEmpty()) {
        out.add(n.getOp());
      }
    }
    return List.copyOf(out);
  }

  private static Missing missing(NodeDef n) {
    Map<String, String> types = new TreeMap<>();
    for (Map.Entry<String, AttrValue> a : n.getAttrMap().entrySet()) {
      if (a.getValue().hasType() || a.getValue().getValueCase() == AttrValue.ValueCase.TYPE) {
        types.put(a.getKey(), a.getValue().getType().name());
      } else if (a.getValue().hasList() && a.getValue().getList().getTypeCount() > 0) {
        types.put(a.getKey(), a.getValue().getList().getTypeList().toString());
      }
    }
    return new Missing(n.getName(), n.getOp(), types, layerOf(n.getName()), n.getDevice());
  }

  /** conv1 for replica0/gradients/conv1/A/Conv2D_grad/..., else the name's first part. */
  static String layerOf(String name) {
    String[] parts = name.split("/");
    for (String p : parts) {
      if (LAYER.matcher(p).matches()) {
        return p;
      }
    }
    return parts[0];
  }
}
