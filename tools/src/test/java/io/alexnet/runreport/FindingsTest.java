package io.alexnet.runreport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's picks and statistics on hand-made predictions whose answers are known. */
class FindingsTest {
  static ModelPass.Seen seen(int index, int label, float... probs) {
    return new ModelPass.Seen(index, label, probs, new float[] {index, 0});
  }

  @Test
  void mistakesAreOrderedByTheProbabilityOnTheWrongClass() {
    List<ModelPass.Seen> s = List.of(
        seen(0, 0, 0.9f, 0.1f, 0f),   // right
        seen(1, 0, 0.2f, 0.7f, 0.1f), // wrong, 0.7 on class 1
        seen(2, 1, 0.05f, 0.05f, 0.9f), // wrong, 0.9 on class 2
        seen(3, 2, 0.6f, 0f, 0.4f),   // wrong, 0.6 on class 0
        seen(4, 2, 0f, 0.01f, 0.99f)); // right, surest
    List<Findings.Pick> wrong = Findings.mostConfidentlyWrong(s, 2);
    assertEquals(List.of(2, 1), wrong.stream().map(p -> p.seen().index()).toList());
    assertEquals(2, wrong.get(0).predicted());
    assertEquals(0.9f, wrong.get(0).probability());
    assertEquals(List.of(4, 0), Findings.mostConfidentlyRight(s, 5).stream()
        .map(p -> p.seen().index()).toList());

    var errors = Findings.errors(s, 3, 1);
    assertEquals(0.6, errors.top1Error(), 1e-12);
    // Class 0: predicted for images 0 and 3 (one right), and its two images got 0 and 1.
    double[][] pr = Findings.precisionRecall(errors.confusion());
    assertArrayEquals(new double[] {0.5, 0.5}, pr[0], 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5}, pr[2], 1e-12);
  }

  /** Wilson's interval: 50 of 100 gives 0.4038 to 0.5962; none of 10 gives 0 to 0.2775. */
  @Test
  void wilsonIntervalsOfKnownCases() {
    double[] half = Findings.wilson95(0.5, 100);
    assertEquals(0.4038, half[0], 1e-4);
    assertEquals(0.5962, half[1], 1e-4);
    double[] none = Findings.wilson95(0, 10);
    assertEquals(0, none[0], 1e-12);
    assertEquals(0.2775, none[1], 1e-4);
  }

  @Test
  void neighboursAreTheNearestByEuclideanDistance() {
    List<ModelPass.Seen> index = List.of(seen(0, 0, 1f), seen(5, 0, 1f), seen(2, 0, 1f));
    var n = Findings.nearest(List.of(seen(4, 0, 1f)), index, 2).get(0);
    assertEquals(List.of(5, 2), n.nearest().stream().map(ModelPass.Seen::index).toList());
    assertEquals(List.of(1.0, 2.0), n.distances());
  }
}
