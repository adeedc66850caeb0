package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.ColorPca;
import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.data.Synthetic;
import io.alexnet.io.PropertiesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three pieces the training loop relies on, each against values worked out by hand: the
 * plateau schedule, the validation hold-out, and batches that do not depend on which decoding
 * thread made them.
 */
class ScheduleSplitAndLoaderTest {
  @TempDir Path tmp;

  /**
   * Patience 2, at most 2 cuts: the rate drops after the second epoch without a better error,
   * the count starts over after a cut or an improvement, and stops at the cap.
   */
  @Test
  void plateauScheduleCutsAfterPatienceAndStopsAtTheCap() throws IOException {
    TrainConfig c = TrainConfig.builder().learningRate(0.01).patience(2).maxCuts(2).build();
    LearningRateSchedule s = new LearningRateSchedule(c);
    double[] errors = {0.5, 0.4, 0.41, 0.42, 0.39, 0.395, 0.396, 0.40, 0.41, 0.42};
    double[] want = {0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 1e-4, 1e-4, 1e-4, 1e-4};
    for (int e = 0; e < errors.length; e++) {
      assertEquals(want[e], s.afterEpoch(e, errors[e]), want[e] * 1e-9, "after epoch " + e);
      if (e == 4) {
        // A resumed run continues the same schedule from the saved state, through the file.
        Properties p = new Properties();
        s.save(p);
        Path file = Files.createTempFile("state", ".properties");
        PropertiesFile.write(file, p);
        LearningRateSchedule resumed = new LearningRateSchedule(c);
        resumed.load(PropertiesFile.read(file));
        Files.delete(file);
        s = resumed;
      }
    }
    assertEquals(2, s.cuts());
    assertEquals(0.39, s.bestError());

    LearningRateSchedule fixed = new LearningRateSchedule(
        TrainConfig.paper().withMilestones(List.of(2, 4)));
    double[] rates = new double[5];
    for (int e = 0; e < 5; e++) {
      rates[e] = fixed.afterEpoch(e, 0.1); // the error plays no part
    }
    assertArrayEquals(new double[] {0.01, 0.001, 0.001, 1e-4, 1e-4}, rates, 1e-12);
  }

  /** Every 10th example (0, 10, ..., 100 of 103) is held out; the two parts cover the set. */
  @Test
  void holdOutTakesEveryKthExampleAndKeepsTheRest() throws Exception {
    int[] labels = new int[103];
    Synthetic.writeIdx(tmp, "train", Synthetic.images(103, 4, labels), labels, false);
    Dataset all = FashionMnist.open(tmp, FashionMnist.Split.TRAIN);
    Dataset[] parts = Subset.holdOut(all, 0.1);
    assertEquals(11, parts[1].size());
    assertEquals(92, parts[0].size());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < parts[1].size(); i++) {
      assertEquals(labels[10 * i], parts[1].get(i).label());
      assertArrayEquals(all.get(10 * i).image().rgb(), parts[1].get(i).image().rgb());
      seen.add(10 * i);
    }
    int next = 1;
    for (int i = 0; i < parts[0].size(); i++, next++) {
      if (next % 10 == 0) {
        next++;
      }
      assertArrayEquals(all.get(next).image().rgb(), parts[0].get(i).image().rgb(),
          "kept example " + i);
      assertTrue(seen.add(next), "example " + next + " in both parts");
    }
    assertEquals(103, seen.size());
  }

  /**
   * With random crops, flips and colour shifts on, one decoding thread and four make the same
   * batches to the bit: each example's randomness comes from its position, not its thread.
   */
  @Test
  void aBatchIsTheSameWhicheverThreadMadeIt() throws Exception {
    int[] labels = new int[40];
    Synthetic.writeIdx(tmp, "train", Synthetic.images(40, 5, labels), labels, true);
    Dataset d = FashionMnist.open(tmp, FashionMnist.Split.TRAIN);
    Preprocessor pre = new Preprocessor(67, null, 0.02f);
    Augmentation aug = new Augmentation(true, true, new ColorPca(new double[] {0.1, 0.02, 0.01},
        new double[][] {{0.6, 0.6, 0.5}, {0.7, -0.1, -0.7}, {0.4, -0.8, 0.5}}));
    int[] order = BatchLoader.shuffled(d.size(), 9, 2);
    List<BatchLoader.Batch> one = batches(d, pre, aug, order, 1, 1);
    List<BatchLoader.Batch> four = batches(d, pre, aug, order, 4, 8);
    assertEquals(one.size(), four.size());
    for (int b = 0; b < one.size(); b++) {
      assertArrayEquals(one.get(b).images(), four.get(b).images(), "batch " + b);
      assertArrayEquals(one.get(b).labels(), four.get(b).labels());
      assertArrayEquals(one.get(b).indices(), four.get(b).indices());
    }
    // And the augmentation did something: two epochs' orders differ, so do their batches.
    List<BatchLoader.Batch> other = batches(d, pre, aug, BatchLoader.shuffled(d.size(), 9, 3),
        1, 1);
    assertTrue(!java.util.Arrays.equals(one.get(0).images(), other.get(0).images()));
  }

  static List<BatchLoader.Batch> batches(Dataset d, Preprocessor pre, Augmentation aug,
      int[] order, int workers, int prefetch) {
    List<BatchLoader.Batch> out = new ArrayList<>();
    try (BatchLoader l = BatchLoader.builder(d, pre).augmentation(aug).batchSize(8).order(order)
        .seed(9, 2).workers(workers).prefetch(prefetch).build()) {
      while (l.hasNext()) {
        out.add(l.next());
      }
    }
    return out;
  }
}
