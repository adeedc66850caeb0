package io.alexnet.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/** The summary worked out from the configuration, against the rows the built graph reports. */
class ModelSummaryTest {

  static void sameAsTheGraph(ModelConfig c) {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, c, AlexNet.Mode.INFERENCE);
      assertEquals(net.layers(), ModelSummary.rows(c), c.toString());
      assertEquals(net.parameterCount(), ModelSummary.parameterCount(c));
      assertEquals(net.multiplyAdds(), ModelSummary.multiplyAdds(c));
    }
  }

  @Test
  void everyRowMatchesTheGraphForEveryShapeOfNetwork() {
    ModelConfig paper = ModelConfig.builder().build();
    sameAsTheGraph(paper);
    sameAsTheGraph(paper.toBuilder().variant(Variant.ONE_TOWER).classes(10).build());
    sameAsTheGraph(paper.toBuilder().width(0.25).imageSize(67).classes(7).build());
    sameAsTheGraph(paper.toBuilder().lrn(LrnSettings.caffe(5, 1e-4f, 0.75f, 1f)).build());
    sameAsTheGraph(paper.toBuilder()
        .devices(new DevicePlan("/device:CPU:0", "/device:CPU:1")).build());
  }

  @Test
  void printsThePapersTotals() {
    String table = ModelSummary.of(ModelConfig.builder().build());
    // docs/PAPER.md: 60,965,224 parameters with the groups.
    assertTrue(table.contains("Total params:       60,965,224"), table);
    assertEquals(13, table.lines().filter(l -> l.matches("^(conv|lrn|pool|fc)\\d.*")).count(),
        table);
    assertEquals(List.of(55L, 55L, 96L), ModelSummary.rows(ModelConfig.builder().build()).get(0)
        .outputShape());
  }
}
