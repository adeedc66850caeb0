package io.alexnet.onnx;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.graph.LrnSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

class TrainedWeightsTest {

  private static NodeDef lrn(String name, long radius, float bias, float alpha, float beta) {
    return NodeDef.newBuilder().setName(name).setOp("LRN").addInput("x")
        .putAttr("depth_radius", AttrValue.newBuilder().setI(radius).build())
        .putAttr("bias", AttrValue.newBuilder().setF(bias).build())
        .putAttr("alpha", AttrValue.newBuilder().setF(alpha).build())
        .putAttr("beta", AttrValue.newBuilder().setF(beta).build()).build();
  }

  /**
   * A SavedModel exported before LRN was written out, and before exports carried the run's
   * settings, has only its LRN ops to say what the constants are: one op per tower is per tower,
   * one op for both towers' channels is across them (Caffe's layout), and attributes left out
   * are TensorFlow's defaults.
   */
  @Test
  void olderSavedModelsGiveTheirLrnConstantsThroughTheirLrnOps() {
    GraphDef def = GraphDef.newBuilder()
        .addNode(NodeDef.newBuilder().setName("conv1/A/weights").setOp("VariableV2"))
        .addNode(lrn("lrn1/A/LocalResponseNormalization", 2, 2f, 1e-4f, 0.75f))
        .addNode(lrn("lrn1/B/LocalResponseNormalization", 2, 2f, 1e-4f, 0.75f))
        .addNode(lrn("lrn2/LocalResponseNormalization", 2, 1f, 2e-5f, 0.75f))
        .addNode(NodeDef.newBuilder().setName("lrn3/LRN").setOp("LRN").addInput("x"))
        .build();
    Map<String, LrnSettings> lrn = TrainedWeights.lrnOps(def);
    assertEquals(LrnSettings.PAPER, lrn.get("lrn1"));
    assertEquals(new LrnSettings(2, 1f, 2e-5f, 0.75f, true), lrn.get("lrn2"));
    assertEquals(new LrnSettings(5, 1f, 1f, 0.5f, true), lrn.get("lrn3"));
  }
}
