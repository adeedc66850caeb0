package io.alexnet.onnx;

import io.alexnet.inference.InferenceNetwork;
import io.alexnet.runtime.HostArray;
import io.alexnet.graph.LrnSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a trained AlexNet's variables and the constants of its LRN layers: everything
 * another format needs to run the same network: the variables copied out of a restored
 * inference network, the LRN constants from its model's settings; or, for an import, both read
 * from a Caffe or ONNX file.
 *
 * @param variables by TensorFlow name ({@code conv1/A/weights}, {@code fc8/biases}, ...), in
 *     the graph's order; kernels HWIO, dense weights [inputs, outputs]
 * @param lrn by layer ({@code lrn1}, {@code lrn2})
 */
public record TrainedWeights(Map<String, HostArray> variables, Map<String, LrnSettings> lrn) {

  private static final List<String> LRN_LAYERS = List.of("lrn1", "lrn2");

  /** The weights of a network with a trained model's variables restored. */
  public static TrainedWeights of(InferenceNetwork net) {
    Map<String, LrnSettings> lrn = new LinkedHashMap<>();
    // The network takes one LRN setting for both layers.
    LRN_LAYERS.forEach(layer -> lrn.put(layer, net.config().lrn()));
    return new TrainedWeights(net.variables(), lrn);
  }

  /** Whether the network has two towers (the paper's model) rather than one. */
  public boolean twoTowers() {
    return variables.containsKey("conv1/A/weights");
  }

  /** One variable, or an error that says this is not the network expected. */
  public HostArray get(String name) {
    HostArray a = variables.get(name);
    if (a == null) {
      throw new IllegalArgumentException("not an AlexNet of this project: it has no variable "
          + name + " (it has " + variables.keySet() + ")");
    }
    return a;
  }

  /** A layer's variable {@code kind} (weights or biases), one per tower, tower A first. */
  public List<HostArray> perTower(String layer, String kind) {
    if (!twoTowers() || layer.equals("fc8")) {
      return List.of(get(layer + "/" + kind));
    }
    return List.of(get(layer + "/A/" + kind), get(layer + "/B/" + kind));
  }

  /** The LRN constants of {@code layer}, or an error naming the missing layer. */
  public LrnSettings lrn(String layer) {
    LrnSettings c = lrn.get(layer);
    if (c == null) {
      throw new IllegalArgumentException("not an AlexNet of this project: no LRN op in layer "
          + layer + " (LRN layers: " + lrn.keySet() + ")");
    }
    return c;
  }

  public long parameterCount() {
    return variables.values().stream().mapToLong(a -> a.values().length).sum();
  }
}
