package io.alexnet.train;

import io.alexnet.data.Augmentation;
import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Synthetic;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.graph.Variant;
import io.alexnet.graph.WeightInit;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A small trained run on generated IDX data, for the export, eval and tool tests. */
public final class TinyRun {
  public static final int SIZE = 67;

  private TinyRun() {}

  /** Writes IDX data to {@code dir/data} and trains {@code epochs} epochs into {@code dir/run}. */
  public static RunDir create(Path dir, int epochs) throws IOException {
    return create(dir, epochs, SIZE, Variant.PAPER, 1);
  }

  /**
   * The same at {@code size} pixels, of {@code variant}, as {@code replicas} data-parallel
   * replicas (all on the CPU) when more than 1.
   */
  public static RunDir create(Path dir, int epochs, int size, Variant variant, int replicas)
      throws IOException {
    Path data = dir.resolve("data");
    int[] labels = new int[320];
    Synthetic.writeIdx(data, "train", Synthetic.images(320, 1, labels), labels, true);
    int[] testLabels = new int[64];
    Synthetic.writeIdx(data, "t10k", Synthetic.images(64, 2, testLabels), testLabels, true);
    Dataset train = FashionMnist.open(data, FashionMnist.Split.TRAIN);
    Dataset test = FashionMnist.open(data, FashionMnist.Split.TEST);
    ModelConfig model = ModelConfig.builder().variant(variant).width(0.125).imageSize(size)
        .classes(10).init(WeightInit.HE).hiddenBias(0.1).seed(5).build();
    RunDir run = new RunDir(dir.resolve("run"));
    RunDir.Start start = run.start(model, train, true, 0, data.toString(), train.classNames());
    TrainConfig c = TrainConfig.paper().withEpochs(epochs).withBatch(16).withLogEvery(1000)
        .withCheckpointEvery(0);
    List<DevicePlan> plans = replicas > 1
        ? DevicePlan.replicas(List.of("/device:CPU:0"), variant, replicas)
        : List.of(model.devices());
    try (Trainer t = Trainer.builder(model, c, train, test, start.preprocessor(size))
        .replicas(plans).augmentation(new Augmentation(true, true, start.stats().pca()))
        .checkpoints(run.checkpoints()).session(new SessionOptions(2, 1, 1, Precision.FLOAT32)).build()) {
      t.fit(false);
    }
    return run;
  }

  /** The data folder {@link #create} wrote. */
  public static Path data(Path dir) {
    return dir.resolve("data");
  }
}
