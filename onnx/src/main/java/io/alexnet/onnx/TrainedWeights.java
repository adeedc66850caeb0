package io.alexnet.onnx;

import io.alexnet.export.ServingModel;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.HostArray;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.LrnSettings;
import io.alexnet.graph.ModelConfig;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * The values of a trained AlexNet's variables and the constants of its LRN layers: everything
 * another format needs to run the same network. The variables are copied out of a TensorFlow
 * inference graph; the LRN constants come from the run's settings (which a SavedModel carries
 * in its assets), or, for a SavedModel exported before LRN was written out in standard ops and
 * without settings, from its LRN ops' attributes.
 *
 * @param variables by TensorFlow name ({@code conv1/A/weights}, {@code fc8/biases}, ...), in
 *     the graph's order; kernels HWIO, dense weights [inputs, outputs]
 * @param lrn by layer ({@code lrn1}, {@code lrn2})
 */
public record TrainedWeights(Map<String, HostArray> variables, Map<String, LrnSettings> lrn) {

  private static final List<String> LRN_LAYERS = List.of("lrn1", "lrn2");

  /** The variables of checkpoint {@code ckpt} of a training run, in its inference graph. */
  public static TrainedWeights fromCheckpoint(RunDir run, Path ckpt) throws IOException {
    ModelConfig model = run.model();
    try (Graph g = new Graph()) {
      AlexNet.build(g, model.unpinned(), AlexNet.Mode.INFERENCE);
      try (Session s = new Session(g)) {
        Checkpoints.restoreVariables(s, ckpt);
        return new TrainedWeights(variables(s, g.toGraphDef()), bothLayers(model.lrn()));
      }
    }
  }

  /** The variables of an exported SavedModel, as its session holds them. */
  public static TrainedWeights fromSavedModel(ServingModel model) throws IOException {
    GraphDef def = model.metaGraph().getGraphDef();
    RunDir settings = new RunDir(model.dir().resolve("assets"));
    Map<String, LrnSettings> lrn = settings.exists() ? bothLayers(settings.model().lrn())
        : lrnOps(def);
    return new TrainedWeights(variables(model.session(), def), lrn);
  }

  /** Every VariableV2 of {@code def}, fetched from {@code s}. */
  static Map<String, HostArray> variables(Session s, GraphDef def) {
    Map<String, HostArray> vars = new LinkedHashMap<>();
    for (NodeDef node : def.getNodeList()) {
      if (node.getOp().equals("VariableV2")) {
        vars.put(node.getName(), fetch(s, node.getName()));
      }
    }
    return vars;
  }

  /** The network takes one LRN setting for both layers. */
  private static Map<String, LrnSettings> bothLayers(LrnSettings s) {
    Map<String, LrnSettings> lrn = new LinkedHashMap<>();
    LRN_LAYERS.forEach(layer -> lrn.put(layer, s));
    return lrn;
  }

  /**
   * Every LRN op's attributes, by layer; across towers when a two-tower network has one op in
   * the layer.
   */
  static Map<String, LrnSettings> lrnOps(GraphDef def) {
    Map<String, NodeDef> lrnOps = new LinkedHashMap<>();
    Map<String, Integer> opsPerLayer = new LinkedHashMap<>();
    boolean twoTowers = false;
    for (NodeDef node : def.getNodeList()) {
      twoTowers |= node.getName().equals("conv1/A/weights");
      if (node.getOp().equals("LRN")) {
        lrnOps.putIfAbsent(layerOf(node.getName()), node);
        opsPerLayer.merge(layerOf(node.getName()), 1, Integer::sum);
      }
    }
    Map<String, LrnSettings> lrn = new LinkedHashMap<>();
    for (Map.Entry<String, NodeDef> e : lrnOps.entrySet()) {
      lrn.put(e.getKey(), lrnOf(e.getValue(), twoTowers && opsPerLayer.get(e.getKey()) == 1));
    }
    return lrn;
  }

  private static HostArray fetch(Session s, String name) {
    try (Result r = s.runner().fetch(name).run()) {
      Tensor t = r.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new IllegalArgumentException("variable " + name + " is " + t.dataType()
            + ", not float32");
      }
      return new HostArray(t.shape().asArray(), HostTensors.floats(f));
    }
  }

  private static LrnSettings lrnOf(NodeDef node, boolean acrossTowers) {
    Map<String, AttrValue> a = node.getAttrMap();
    // TensorFlow's defaults for attributes a GraphDef leaves out.
    return new LrnSettings(
        a.containsKey("depth_radius") ? a.get("depth_radius").getI() : 5,
        a.containsKey("bias") ? a.get("bias").getF() : 1f,
        a.containsKey("alpha") ? a.get("alpha").getF() : 1f,
        a.containsKey("beta") ? a.get("beta").getF() : 0.5f,
        acrossTowers);
  }

  private static String layerOf(String opName) {
    int slash = opName.indexOf('/');
    return slash < 0 ? opName : opName.substring(0, slash);
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
