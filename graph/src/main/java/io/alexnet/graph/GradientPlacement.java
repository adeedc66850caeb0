package io.alexnet.graph;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Puts backward ops on the devices of the forward ops they differentiate. TensorFlow's C API
 * builds gradients without device scopes (and without the forward ops' names), so on two GPUs
 * the whole backward pass would run on the first. Each unplaced op whose name starts with a
 * gradient prefix goes where the first of its inputs lives (forward tensors are pinned, and
 * gradient ops placed before it pass their device on); the graph is rewritten through its
 * GraphDef, which is the only way TensorFlow lets a device change after an op is built.
 */
public final class GradientPlacement {
  private GradientPlacement() {}

  /** {@code src}'s graph with its gradient ops placed; ops keep their names. */
  public static GraphDef place(GraphDef src, String gradientPrefix) {
    Map<String, String> device = new HashMap<>();
    GraphDef.Builder out = src.toBuilder();
    // toGraphDef lists nodes in creation order, so every input comes before its consumer.
    for (int i = 0; i < out.getNodeCount(); i++) {
      NodeDef n = out.getNode(i);
      String d = n.getDevice();
      if (d.isEmpty() && n.getName().startsWith(gradientPrefix)) {
        for (String input : n.getInputList()) {
          String from = device.getOrDefault(nodeOf(input), "");
          if (!from.isEmpty()) {
            d = from;
            break;
          }
        }
        if (!d.isEmpty()) {
          out.setNode(i, n.toBuilder().setDevice(d));
        }
      }
      device.put(n.getName(), d);
    }
    return out.build();
  }

  /**
   * A new graph holding {@code src} with its gradient ops placed. The caller closes both and
   * looks handles up by name in the new one; initializers carry over.
   */
  public static Graph placed(Graph src, String gradientPrefix) {
    Graph g = new Graph();
    try {
      g.importGraphDef(place(src.toGraphDef(), gradientPrefix));
      return g;
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  private static String nodeOf(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }
}
