package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.alexnet.logs.CsvLogger;
import io.alexnet.logs.TrainingPlot;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --val-every: validations inside an epoch reach the listeners, the CSV and the chart. */
class ValidateEveryTest {
  @TempDir Path tmp;

  @Test
  void aOneEpochRunValidatesEveryNStepsAndChartsIt() throws Exception {
    int[] labels = new int[160];
    Synthetic.writeIdx(tmp, "train", Synthetic.images(160, 1, labels), labels, true);
    int[] testLabels = new int[32];
    Synthetic.writeIdx(tmp, "t10k", Synthetic.images(32, 2, testLabels), testLabels, true);
    Dataset train = FashionMnist.open(tmp, FashionMnist.Split.TRAIN);
    Dataset val = FashionMnist.open(tmp, FashionMnist.Split.TEST);
    DataStats stats = DataStats.compute(train, new Preprocessor(67, null), 0);
    ModelConfig model = ModelConfig.builder().width(0.125).imageSize(67).classes(10)
        .init(WeightInit.HE).hiddenBias(0.1).seed(5).build();
    // 160 images in batches of 16: 10 steps, validated at 3, 6 and 9, then at the epoch's end.
    TrainConfig c = TrainConfig.paper().withEpochs(1).withBatch(16).withLogEvery(1000)
        .withCheckpointEvery(0).withValEvery(3);
    Path run = tmp.resolve("run");
    Files.createDirectories(run);
    List<TrainingListener.Validation> heard = new ArrayList<>();
    TrainingListener ear = new TrainingListener() {
      @Override
      public void onValidation(Validation v) {
        heard.add(v);
      }
    };
    try (Trainer t = Trainer.builder(model, c, train, val, new Preprocessor(67, stats.mean(),
        (float) (1 / stats.pixelStd()))).checkpoints(run.resolve("checkpoints"))
        .session(new SessionOptions(2, 1, 1, Precision.FLOAT32))
        .listeners(List.of(ear, new CsvLogger(run), new TrainingPlot(run))).build()) {
      t.fit(false);
    }
    assertEquals(List.of(3L, 6L, 9L), heard.stream().map(TrainingListener.Validation::step)
        .toList());
    assertEquals(0.3, heard.get(0).epochs(), 1e-9);
    for (TrainingListener.Validation v : heard) {
      assertTrue(v.top1Error() >= 0 && v.top1Error() <= 1 && v.top5Error() <= v.top1Error());
    }
    List<String> rows = Files.readAllLines(run.resolve(CsvLogger.VALIDATIONS));
    assertEquals(4, rows.size());
    assertTrue(rows.get(2).startsWith("6,0.6000,"), rows.get(2));
    // The chart shows them: the fourth colour appears in the error panel.
    BufferedImage img = ImageIO.read(run.resolve(TrainingPlot.FILE).toFile());
    int red = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = TrainingPlot.WIDTH; x < 2 * TrainingPlot.WIDTH; x++) {
        red += (img.getRGB(x, y) & 0xffffff) == (TrainingPlot.colour(3).getRGB() & 0xffffff)
            ? 1 : 0;
      }
    }
    assertTrue(red > 20, "mid-epoch validation pixels: " + red);
  }
}
