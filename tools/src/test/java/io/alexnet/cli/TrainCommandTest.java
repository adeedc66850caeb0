package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Synthetic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `alexnet train` end to end on generated IDX data with a small model. */
class TrainCommandTest {
  @TempDir Path tmp;

  @Test
  void trainsWritesTheRunFolderRefusesToOverwriteAndResumes() throws Exception {
    Path data = tmp.resolve("data");
    int[] labels = new int[96];
    Synthetic.writeIdx(data, "train", Synthetic.images(96, 1, labels), labels, true);
    int[] testLabels = new int[32];
    Synthetic.writeIdx(data, "t10k", Synthetic.images(32, 2, testLabels), testLabels, false);
    Path run = tmp.resolve("run");
    String[] common = {"train", "--data", data.toString(), "--out", run.toString(),
        "--width", "0.125", "--image-size", "67", "--batch", "16", "--init", "he",
        "--hidden-bias", "0.1", "--input-scale", "unit", "--log-every", "2",
        "--checkpoint-every", "4"};

    String[] r = cli(concat(common, "--epochs", "1"));
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("training data:   Fashion-MNIST train"), r[1]);
    // Progress goes to stderr, what the run is and where to stdout.
    assertTrue(r[2].contains("epoch 1/1  step 2 (2/6)"), r[2]);
    assertTrue(r[1].contains("Total params:"), r[1]);
    for (String f : new String[] {"run.properties", "labels.txt", "data-stats.bin", "steps.csv",
        "epochs.csv", "training.png", "checkpoints/checkpoint", "checkpoints/ckpt-6/state.properties",
        "checkpoints/best/variables.index"}) {
      assertTrue(Files.exists(run.resolve(f)), f + " missing");
    }
    try (Stream<Path> s = Files.list(run)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents")));
    }
    // Classes come from the data: ten Fashion-MNIST names.
    assertEquals(10, Files.readAllLines(run.resolve("labels.txt")).size());

    r = cli(concat(common, "--epochs", "1"));
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("already holds a run: resume it, or train into another folder"),
        r[2]);

    r = cli(concat(common, "--epochs", "2", "--resume"));
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[2].contains("resuming at epoch 2, step 6"), r[2]);
    assertTrue(r[2].contains("epoch 2/2 done"), r[2]);
    assertEquals(3, Files.readAllLines(run.resolve("epochs.csv")).size());
  }

  @Test
  void trainsTwoReplicasOnFourVirtualCpus() throws Exception {
    Path data = tmp.resolve("data");
    int[] labels = new int[64];
    Synthetic.writeIdx(data, "train", Synthetic.images(64, 3, labels), labels, true);
    int[] testLabels = new int[16];
    Synthetic.writeIdx(data, "t10k", Synthetic.images(16, 4, testLabels), testLabels, true);
    String[] r = cli("train", "--data", data.toString(), "--out", tmp.resolve("rep").toString(),
        "--width", "0.125", "--image-size", "67", "--batch", "16", "--epochs", "1",
        "--init", "he", "--hidden-bias", "0.1", "--input-scale", "unit", "--virtual-cpus", "4",
        "--devices", "/device:CPU:0,/device:CPU:1,/device:CPU:2,/device:CPU:3");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("2 replicas: [/device:CPU:0,/device:CPU:1,"
        + " /device:CPU:2,/device:CPU:3]"), r[1]);
    assertTrue(r[2].contains("epoch 1/1 done"), r[2]);
    String[] bad = cli("train", "--data", data.toString(), "--out", tmp.resolve("rep3")
        .toString(), "--batch", "16", "--devices", "/device:CPU:0,/device:CPU:1,/device:CPU:2");
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("need 2 devices (2 per replica) or one, got 3"), bad[2]);
  }

  @Test
  void missingDataIsRefusedWithTheReason() throws Exception {
    String[] r = cli("train", "--data", tmp.resolve("nowhere").toString(), "--out",
        tmp.resolve("r").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("no such file or directory"), r[2]);
    Path data = tmp.resolve("data");
    int[] labels = new int[8];
    Synthetic.writeIdx(data, "train", Synthetic.images(8, 1, labels), labels, true);
    r = cli("train", "--resume", "--out", tmp.resolve("empty").toString(), "--data",
        data.toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("nothing to resume"), r[2]);
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
