package io.alexnet.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.alexnet.api.Features;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's picks and statistics on hand-made predictions whose answers are known. */
class FindingsTest {

  @Test
  void mistakesAreOrderedByTheProbabilityOnTheWrongClassWhateverTheBatches() {
    // Five images of three classes, scored in two batches as an evaluation would.
    ReportCollector c = new ReportCollector(2);
    c.batch(new int[] {0, 1, 2}, new int[] {0, 0, 1}, new float[] {
        0.9f, 0.1f, 0f,      // 0: right
        0.2f, 0.7f, 0.1f,    // 1: wrong, 0.7 on class 1
        0.05f, 0.05f, 0.9f}, // 2: wrong, 0.9 on class 2
        3);
    c.batch(new int[] {3, 4}, new int[] {2, 2}, new float[] {
        0.6f, 0f, 0.4f,      // 3: wrong, 0.6 on class 0
        0f, 0.01f, 0.99f},   // 4: right, surest
        2);
    List<ReportCollector.Pick> wrong = c.mostConfidentlyWrong();
    assertEquals(List.of(2, 1), wrong.stream().map(ReportCollector.Pick::index).toList());
    assertEquals(2, wrong.get(0).predicted());
    assertEquals(1, wrong.get(0).label());
    assertEquals(0.9f, wrong.get(0).probability());
    assertEquals(List.of(4, 0), c.mostConfidentlyRight().stream()
        .map(ReportCollector.Pick::index).toList());
  }

  @Test
  void equallySureMistakesKeepTheEarlierImage() {
    ReportCollector c = new ReportCollector(1);
    c.batch(new int[] {7, 3}, new int[] {0, 0}, new float[] {0.2f, 0.8f, 0.2f, 0.8f}, 2);
    assertEquals(3, c.mostConfidentlyWrong().get(0).index());
  }

  @Test
  void precisionAndRecallOfAHandCountedMatrix() {
    // Class 0: predicted for two images (one right), and of its two images one was right.
    // Class 1: predicted once, wrongly; its one image was taken for class 2. Class 3: never
    // predicted and never seen.
    long[][] m = {{1, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 1, 0}, {0, 0, 0, 0}};
    double[][] pr = Findings.precisionRecall(m);
    assertArrayEquals(new double[] {0.5, 0.5}, pr[0], 1e-12);
    assertArrayEquals(new double[] {0.0, 0.0}, pr[1], 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5}, pr[2], 1e-12);
    assertEquals(Double.NaN, pr[3][0]);
    assertEquals(Double.NaN, pr[3][1]);
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
  void neighboursAreTheNearestByEuclideanDistanceAndNeverTheQueryItself() {
    Features.Index index = new Features.Index(List.of("a", "b", "c", "q"), List.of(0, 5, 2, 4),
        List.of(new float[] {0, 0}, new float[] {5, 0}, new float[] {2, 0},
            new float[] {4, 0}));
    List<Features.Index.Hit> hits = index.nearest(new float[] {4, 0}, 2, "q");
    assertEquals(List.of("b", "c"), hits.stream().map(Features.Index.Hit::name).toList());
    assertEquals(List.of(1.0, 2.0), hits.stream().map(Features.Index.Hit::distance).toList());
  }
}
