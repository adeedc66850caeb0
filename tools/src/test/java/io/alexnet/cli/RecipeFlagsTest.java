package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.api.FitOptions;
import io.alexnet.api.Training;
import io.alexnet.data.Augmentation;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Synthetic;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.WeightInit;
import io.alexnet.io.PropertiesFile;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.train.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `train`'s flags are the library's recipes: the same request gives the same run. */
class RecipeFlagsTest {
  @TempDir Path tmp;

  static Recipe parsed(String... args) {
    TrainCommand c = new TrainCommand();
    new CommandLine(c).parseArgs(args);
    return c.recipe();
  }

  @Test
  void eachNamedRecipeIsTheLibrarysAndFlagsOverrideSingleFields() {
    assertEquals(Recipe.DEFAULT, parsed());
    assertEquals(Recipe.PAPER, parsed("--recipe", "paper"));
    assertEquals(Recipe.QUICKSTART, parsed("--recipe", "quickstart"));
    assertEquals(Recipe.FINE_TUNE, parsed("--init-from", "somewhere"));
    Recipe r = parsed("--recipe", "paper", "--init", "he", "--no-crop", "--epochs", "6",
        "--schedule", "4,6", "--batch", "32", "--input-scale", "unit");
    assertEquals(Recipe.PAPER.toBuilder().init(WeightInit.HE).epochs(6)
        .milestones(List.of(4, 6)).batchSize(32).unitVariance(true)
        .augmentation(new Augmentation.Choice(false, true, true)).build(), r);
    assertEquals(new Augmentation.Choice(true, false, false),
        parsed("--recipe", "quickstart", "--crop").augmentation());
    var e = assertThrows(IllegalArgumentException.class, () -> parsed("--recipe", "fast"));
    assertTrue(e.getMessage().contains("default, paper, fine-tune, quickstart"), e.getMessage());
  }

  @Test
  void theCommandLineAndTheLibraryTrainTheSameRun() throws Exception {
    Path data = tmp.resolve("data");
    int[] labels = new int[64];
    Synthetic.writeIdx(data, "train", Synthetic.images(64, 1, labels), labels, true);
    Path byCli = tmp.resolve("cli");
    String[] r = cli("train", "--data", data.toString(), "--out", byCli.toString(),
        "--width", "0.125", "--image-size", "67", "--epochs", "1", "--batch", "16",
        "--stats-images", "0", "--log-every", "1", "--precision", "float32", "--no-report");
    assertEquals("0", r[0], r[1] + r[2]);

    Path byLibrary = tmp.resolve("library");
    Training.fit(FitOptions.builder(FashionMnist.open(data, FashionMnist.Split.TRAIN), byLibrary)
        .model(ModelConfig.builder().classes(10).width(0.125).imageSize(67).build())
        .recipe(Recipe.DEFAULT.toBuilder().epochs(1).batchSize(16).statsImages(0).logEvery(1)
            .build())
        .session(SessionOptions.FLOAT32)
        .advanced(FitOptions.Advanced.DEFAULT.withDataName(data.toString())).build());

    assertEquals(settings(byCli), settings(byLibrary));
    assertEquals("he", settings(byCli).get("model.init"));
    assertEquals(losses(byCli), losses(byLibrary));
    assertEquals(4, losses(byCli).size()); // 61 images after the hold-out: 4 steps, each logged
  }

  static Map<String, String> settings(Path run) throws Exception {
    Map<String, String> m = new TreeMap<>();
    PropertiesFile.read(run.resolve("run.properties")).values()
        .forEach((k, v) -> m.put((String) k, (String) v));
    return m;
  }

  /** The loss column of steps.csv. */
  static List<String> losses(Path run) throws Exception {
    return Files.readAllLines(run.resolve("steps.csv")).stream().skip(1)
        .map(l -> l.split(",")[2]).toList();
  }
}
