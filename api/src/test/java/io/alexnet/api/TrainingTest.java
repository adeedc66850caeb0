package io.alexnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.ImageFolder;
import io.alexnet.data.Synthetic;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.WeightInit;
import io.alexnet.store.RunDir;
import io.alexnet.train.History;
import io.alexnet.train.Recipe;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training.prepare's branches through the Java API: a fresh run, a resumed one (whose model is
 * the one saved, whatever the options say), one started from another model's weights, and the
 * refusals, each before anything is written.
 */
class TrainingTest {
  @TempDir static Path tmp;
  static Dataset data;
  static Path shapes;

  static final ModelConfig SMALL = ModelConfig.builder().classes(10).imageSize(67).width(0.125)
      .init(WeightInit.HE).hiddenBias(0.1).seed(3).build();

  @BeforeAll
  static void writeData() throws IOException {
    Path idx = tmp.resolve("idx");
    int[] labels = new int[64];
    Synthetic.writeIdx(idx, "train", Synthetic.images(64, 1, labels), labels, true);
    data = FashionMnist.open(idx, FashionMnist.Split.TRAIN);
    // Four classes of shapes as image files: another task to fine-tune on.
    shapes = tmp.resolve("shapes");
    int[] l = new int[32];
    byte[][] images = Synthetic.images(32, 2, l);
    for (int i = 0; i < images.length; i++) {
      Path d = Files.createDirectories(shapes.resolve("class" + (l[i] % 4)));
      Files.write(d.resolve(i + ".png"), Synthetic.encode(images[i], 28, 28, false, "png"));
    }
  }

  static FitOptions.Builder options(Dataset d, Path run, int epochs) {
    return FitOptions.builder(d, run).model(SMALL).recipe(Recipe.DEFAULT.toBuilder()
        .epochs(epochs).batchSize(16).checkpointEvery(0).statsImages(0).build());
  }

  @Test
  void aResumedRunKeepsItsOwnModelAndGoesOnWhereItStopped() {
    Path run = tmp.resolve("resumed");
    Training.FitResult first = Training.fit(options(data, run, 1).build());
    assertEquals(1, first.history().epochs().size());

    var again = assertThrows(AlexNetException.class,
        () -> Training.prepare(options(data, run, 1).build()));
    assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());

    // Options asking for another width do not change a resumed run's model.
    FitOptions wider = options(data, run, 2).resume(true)
        .model(SMALL.toBuilder().width(0.25).build()).build();
    Training.Prepared p = Training.prepare(wider);
    assertEquals(0.125, p.model().width());
    assertTrue(p.origin().startsWith("resuming " + run), p.origin());
    History h = p.fit().history();
    assertEquals(History.Outcome.COMPLETED, h.outcome());
    assertEquals(1, h.epochs().size()); // epoch 2 only: epoch 1 was done
    assertEquals(1, h.epochs().get(0).epoch());

    var nothing = assertThrows(AlexNetException.class,
        () -> Training.prepare(options(data, tmp.resolve("never"), 1).resume(true).build()));
    assertTrue(nothing.getMessage().contains("nothing to resume"), nothing.getMessage());
    assertFalse(Files.exists(tmp.resolve("never")));
  }

  @Test
  void aRunStartedFromAnotherModelTakesItsNetworkAndFreezesWhatItIsTold() throws Exception {
    Path source = tmp.resolve("source");
    Training.fit(options(data, source, 1).build());
    Dataset four = ImageFolder.open(shapes);

    var unknown = assertThrows(AlexNetException.class, () -> Training.prepare(
        options(four, tmp.resolve("t1"), 1).initFrom(source).frozen(Set.of("conv9")).build()));
    assertTrue(unknown.getMessage().contains("'conv9'"), unknown.getMessage());
    var alone = assertThrows(AlexNetException.class, () -> Training.prepare(
        options(four, tmp.resolve("t2"), 1).frozen(Set.of("conv1")).build()));
    assertTrue(alone.getMessage().contains("frozen layers go with a model to start from"),
        alone.getMessage());
    var fc8 = assertThrows(AlexNetException.class, () -> Training.prepare(
        options(four, tmp.resolve("t3"), 1).initFrom(source).frozen(Set.of("fc8")).build()));
    assertTrue(fc8.getMessage().contains("fc8 cannot be frozen"), fc8.getMessage());
    for (String t : new String[] {"t1", "t2", "t3"}) {
      assertFalse(Files.exists(tmp.resolve(t)), t + " was written");
    }

    // Another width asked for: the source's network is taken, only the classes are the data's.
    Path tuned = tmp.resolve("tuned");
    Training.Prepared p = Training.prepare(options(four, tuned, 1).initFrom(source)
        .model(SMALL.toBuilder().width(0.25).build()).frozen(Set.of("conv1", "conv2")).build());
    assertEquals(0.125, p.model().width());
    assertEquals(4, p.model().classes());
    assertTrue(p.origin().contains("fc8 starts afresh for 4 classes"), p.origin());
    assertTrue(p.origin().contains("frozen: conv1,conv2"), p.origin());
    assertEquals("conv1,conv2", new RunDir(tuned).properties().getProperty(Training.FROZEN));
  }

  @Test
  void aDamagedModelToStartFromIsRefusedBeforeTheRunIsWritten() throws Exception {
    Path source = tmp.resolve("damaged-source");
    Training.fit(options(data, source, 1).build());
    Path data;
    try (Stream<Path> s = Files.list(source.resolve("checkpoints/best"))) {
      data = s.filter(f -> f.getFileName().toString().startsWith("variables.data")).findFirst()
          .orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[64]), Files.size(data) / 2);
    }
    Path tuned = tmp.resolve("from-damaged");
    var e = assertThrows(AlexNetException.class, () -> Training.prepare(
        options(ImageFolder.open(shapes), tuned, 1).initFrom(source).build()));
    assertTrue(e.getMessage().contains("is damaged: " + data.getFileName()), e.getMessage());
    assertFalse(Files.exists(tuned));
  }
}
