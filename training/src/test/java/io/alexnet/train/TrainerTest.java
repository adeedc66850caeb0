package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Augmentation;
import io.alexnet.data.DataStats;
import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Synthetic;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.graph.WeightInit;
import io.alexnet.io.PropertiesFile;
import io.alexnet.store.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on small models and generated Fashion-MNIST-like data. */
class TrainerTest {
  static final int SIZE = 67;
  @TempDir static Path data;
  static Dataset train;
  static Dataset test;
  static Preprocessor pre;
  static Augmentation aug;

  @BeforeAll
  static void makeData() throws IOException {
    int[] trainLabels = new int[480];
    Synthetic.writeIdx(data, "train", Synthetic.images(480, 1, trainLabels), trainLabels, true);
    int[] testLabels = new int[160];
    Synthetic.writeIdx(data, "t10k", Synthetic.images(160, 2, testLabels), testLabels, true);
    train = FashionMnist.open(data, FashionMnist.Split.TRAIN);
    test = FashionMnist.open(data, FashionMnist.Split.TEST);
    DataStats stats = DataStats.compute(train, new Preprocessor(SIZE, null), 0);
    // He initialization wants unit-variance inputs.
    pre = new Preprocessor(SIZE, stats.mean(), (float) (1 / stats.pixelStd()));
    aug = new Augmentation(true, true, stats.pca());
  }

  static ModelConfig model() {
    return ModelConfig.builder().width(0.125).imageSize(SIZE).classes(10).init(WeightInit.HE)
        .hiddenBias(0.1).seed(5).build();
  }

  static TrainConfig recipe() {
    return TrainConfig.paper().withEpochs(1).withBatch(16).withLearningRate(0.01)
        .withLogEvery(1).withCheckpointEvery(0);
  }

  static Trainer trainer(TrainConfig c, Path dir, List<TrainingListener> listeners)
      throws IOException {
    return Trainer.builder(model(), c, train, test, pre).augmentation(aug).checkpoints(dir)
        .session(new SessionOptions(2, 1, 1, Precision.FLOAT32)).listeners(listeners).build();
  }

  @Test
  void beatsChanceClearlyOnHeldOutData(@TempDir Path run) throws IOException {
    try (Trainer t = trainer(recipe().withEpochs(4), run, List.of())) {
      History h = t.fit(false);
      assertEquals(History.Outcome.COMPLETED, h.outcome());
      assertEquals(4, h.epochs().size());
      // Four classes: chance is 75% top-1 error.
      assertTrue(h.last().valTop1Error() < 0.35,
          "held-out top-1 error " + h.last().valTop1Error());
      assertTrue(h.last().trainLoss() < h.epochs().get(0).trainLoss());
      assertTrue(t.checkpoints().best().isPresent());
      assertEquals(3, t.checkpoints().list().size()); // keep = 3
    }
  }

  @Test
  void overfitsOneFixedBatch(@TempDir Path run) throws IOException {
    // Sixteen images, the same every step, no augmentation: memorised.
    Dataset one = io.alexnet.data.Subset.first(train, 16);
    TrainConfig c = recipe().withEpochs(80).withBatch(16).withMilestones(List.of(1000));
    List<Double> losses = new ArrayList<>();
    TrainingListener record = new TrainingListener() {
      @Override
      public void onStep(Step s) {
        losses.add(s.loss());
      }
    };
    try (Trainer t = Trainer.builder(model(), c, one, one, pre).checkpoints(run)
        .session(new SessionOptions(2, 1, 1, Precision.FLOAT32)).listener(record).build()) {
      t.fit(false);
    }
    // Memorised means a loss near zero on those images; dropout stays on and momentum at 0.9
    // with the paper's rate, so once there the loss can spike again (it did: from 0.001 to 4
    // within ten steps): judge by the best point reached, not by where the run happens to end.
    double first = losses.get(0);
    double best = losses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    List<String> every10 = new ArrayList<>();
    for (int i = 0; i < losses.size(); i += 10) {
      every10.add(String.format(java.util.Locale.ROOT, "%.3f", losses.get(i)));
    }
    assertTrue(best < first / 100, "loss went from " + first + " down to " + best + ": "
        + every10);
  }

  @Test
  void resumedRunEqualsUninterruptedRun(@TempDir Path a, @TempDir Path b) throws IOException {
    int k = 6; // half of the 30 steps of an epoch of 480 images in batches of 16... minus
    TrainConfig c = recipe().withEpochs(2).withCheckpointEvery(k);
    List<float[]> straight;
    try (Trainer t = trainer(c, a, List.of())) {
      t.fit(false);
      straight = t.parameterValues();
    }
    // Same run, killed right after step k's checkpoint.
    RuntimeException crash = new RuntimeException("simulated crash");
    TrainingListener killer = new TrainingListener() {
      @Override
      public void onStep(Step s) {
        if (s.step() == k) {
          throw crash;
        }
      }
    };
    try (Trainer t = trainer(c, b, List.of(killer))) {
      assertSame(crash, assertThrows(RuntimeException.class, () -> t.fit(false)));
    }
    assertEquals(k, Checkpoints.stepOf(new Checkpoints(b, 3).latest().orElseThrow()));
    List<float[]> resumed;
    List<Long> steps = new ArrayList<>();
    TrainingListener count = new TrainingListener() {
      @Override
      public void onStep(Step s) {
        steps.add(s.step());
      }
    };
    try (Trainer t = trainer(c, b, List.of(count))) {
      t.fit(true);
      resumed = t.parameterValues();
    }
    assertEquals(k + 1, steps.get(0)); // continued, not restarted
    assertEquals(straight.size(), resumed.size());
    for (int i = 0; i < straight.size(); i++) {
      float[] x = straight.get(i), y = resumed.get(i);
      for (int j = 0; j < x.length; j++) {
        assertEquals(x[j], y[j], 1e-5f * Math.max(1f, Math.abs(x[j])), "param " + i + "[" + j + "]");
      }
    }
  }

  @Test
  void nanLossStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path run) throws IOException {
    TrainConfig c = recipe().withLearningRate(1e4).withCheckpointEvery(1);
    try (Trainer t = trainer(c, run, List.of())) {
      History h = t.fit(false);
      assertEquals(History.Outcome.DIVERGED, h.outcome());
      assertTrue(h.message().contains("training stopped"), h.message());
      Path last = t.checkpoints().latest().orElseThrow();
      Properties st = PropertiesFile.read(last.resolve(Checkpoints.STATE)).values();
      // The checkpoint is of the step before the bad one, and its variables are finite.
      assertTrue(h.message().contains("at step " + (Long.parseLong(st.getProperty("step")) + 1)),
          h.message() + " vs " + st);
    }
    try (Trainer t = trainer(c, run, List.of())) {
      Checkpoints.restore(t.session(), t.checkpoints().latest().orElseThrow());
      for (float[] p : t.parameterValues()) {
        for (float v : p) {
          assertTrue(Float.isFinite(v));
        }
      }
    }
  }

  @Test
  void aCrashWhileSavingLeavesThePreviousCheckpoint(@TempDir Path run) throws Exception {
    try (Trainer t = trainer(recipe().withCheckpointEvery(5), run, List.of())) {
      t.fit(false);
    }
    Checkpoints cps = new Checkpoints(run, 3);
    Path latest = cps.latest().orElseThrow();
    String pointer = Files.readString(run.resolve("checkpoint"));
    // A real crash: another JVM halts while publishing ckpt-999 as Checkpoints.save does.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"),
        CrashMidSave.class.getName(), run.toString()).inheritIO().start();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(3, p.exitValue());
    List<Path> left;
    try (var s = Files.list(run)) {
      left = s.filter(f -> f.getFileName().toString().startsWith(".ckpt-999.tmp-")).toList();
    }
    assertEquals(1, left.size(), "the crash should have left its half-written folder");
    assertTrue(Files.exists(left.get(0).resolve("variables.index")));
    assertFalse(Files.exists(run.resolve("ckpt-999")));
    // The run still stands where it stood, and resumes from there.
    assertEquals(latest, cps.latest().orElseThrow());
    assertEquals(pointer, Files.readString(run.resolve("checkpoint")));
    List<Long> steps = new ArrayList<>();
    TrainingListener count = new TrainingListener() {
      @Override
      public void onStep(Step s) {
        steps.add(s.step());
      }
    };
    try (Trainer t = trainer(recipe().withCheckpointEvery(5).withEpochs(3), run,
        List.of(count))) {
      t.fit(true);
    }
    assertEquals(Checkpoints.stepOf(latest) + 1, steps.get(0));
  }
}
