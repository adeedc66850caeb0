package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Synthetic;
import io.alexnet.io.DiskFaults;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens when things go wrong, as the README's section of that name lists it: each fault
 * injected for real (a disk that fills, damaged checkpoint files, signals to a real process),
 * and each outcome asserted exactly: the files that must be intact (byte for byte), the
 * message, the exit code.
 */
class FaultsTest {
  @TempDir Path tmp;

  @AfterEach
  void diskHasRoomAgain() {
    DiskFaults.clear();
  }

  @Test
  void aDiskThatFillsWhileSavingStopsTrainingAndKeepsThePreviousCheckpoint() throws Exception {
    Path run = tmp.resolve("run");
    String[] first = train(run, "--epochs", "1", "--checkpoint-every", "4");
    assertEquals("0", first[0], first[2]);
    Map<String, String> before = hashes(run.resolve("checkpoints"));
    assertTrue(before.containsKey("ckpt-6/variables.index"), before.toString());

    // The disk fills 1000 bytes into the resumed run: its first checkpoint (step 8) fails.
    DiskFaults.fillAfter(1000);
    String[] r = train(run, "--epochs", "2", "--resume", "--checkpoint-every", "4");
    assertEquals("2", r[0], r[1] + r[2]);
    assertTrue(r[2].contains("could not save the checkpoint of step 8 (No space left on device"),
        r[2]);
    assertTrue(r[2].contains("ckpt-6, is intact"), r[2]);
    assertTrue(r[2].contains("run the same command with --resume"), r[2]);
    // Every file of the earlier checkpoints is as it was, and nothing half-written is left.
    assertEquals(before, hashes(run.resolve("checkpoints")));

    DiskFaults.clear();
    r = train(run, "--epochs", "2", "--resume", "--checkpoint-every", "4");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("resuming at epoch 2, step 6"), r[2]);
    assertTrue(Files.exists(run.resolve("checkpoints/ckpt-12/variables.index")));
  }

  @Test
  void aDiskThatFillsWhileExportingLeavesNothingHalfWritten() throws Exception {
    Path run = tmp.resolve("run");
    assertEquals("0", train(run, "--epochs", "1", "--checkpoint-every", "0")[0]);
    Path models = tmp.resolve("models");
    String[] ok = cli("export", "--model", run.toString(), "--out", models.toString());
    assertEquals("0", ok[0], ok[2]);
    Map<String, String> v1 = hashes(models);

    DiskFaults.fillAfter(20_000);
    String[] r = cli("export", "--model", run.toString(), "--out", models.toString(),
        "--model-version", "2");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("could not export " + models.resolve("2")
        + ": No space left on device"), r[2]);
    assertEquals(v1, hashes(models), "version 1 untouched, no trace of version 2");

    Path onnx = tmp.resolve("model.onnx");
    r = cli("export", "--model", run.toString(), "--format", "onnx", "--out",
        onnx.toString());
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("could not write " + onnx + ": No space left on device"), r[2]);
    try (Stream<Path> s = Files.list(tmp)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("model.onnx")));
    }
  }

  @Test
  void aDamagedNewestCheckpointIsSkippedOnResumeAndRefusedByEvalAndExport() throws Exception {
    Path run = tmp.resolve("run");
    assertEquals("0", train(run, "--epochs", "1", "--checkpoint-every", "2")[0]);
    Path ckpts = run.resolve("checkpoints");
    Path newest = ckpts.resolve("ckpt-6");
    String data = data().toString();
    Path dataFile;
    try (Stream<Path> s = Files.list(newest)) {
      dataFile = s.filter(p -> p.getFileName().toString().startsWith("variables.data"))
          .findFirst().orElseThrow();
    }
    byte[][] good = {Files.readAllBytes(newest.resolve("variables.index")),
        Files.readAllBytes(dataFile)};
    List<Runnable> damages = List.of(
        () -> truncate(dataFile, good[1].length / 2),
        () -> write(newest.resolve("variables.index"), "not an index".getBytes()),
        () -> delete(newest.resolve("variables.index")));
    List<String> what = List.of("half its weights", "a garbage index", "no index");
    for (int i = 0; i < damages.size(); i++) {
      write(newest.resolve("variables.index"), good[0]);
      write(dataFile, good[1]);
      damages.get(i).run();
      // Without a best copy, eval and export take the newest checkpoint, the damaged one.
      io.alexnet.io.AtomicFiles.deleteTree(ckpts.resolve("best"));
      Map<String, String> older = hashes(ckpts.resolve("ckpt-4"));

      String[] eval = cli("eval", "--model", run.toString(), "--data", data, "--limit", "8",
          "--no-report");
      assertEquals("2", eval[0], what.get(i) + ": " + eval[1] + eval[2]);
      assertTrue(eval[2].contains("checkpoint " + newest + " is damaged"), eval[2]);
      String[] export = cli("export", "--model", run.toString(), "--checkpoint", "latest",
          "--out", tmp.resolve("m" + i).toString());
      assertEquals("2", export[0], what.get(i) + ": " + export[1] + export[2]);
      assertTrue(export[2].contains("checkpoint " + newest + " is damaged"), export[2]);
      assertFalse(Files.exists(tmp.resolve("m" + i + "/1")));

      // Resuming warns about ckpt-6, by name, and goes on from ckpt-4 (mid-epoch, step 4).
      String[] r = train(run, "--epochs", "1", "--resume", "--checkpoint-every", "2");
      assertEquals("0", r[0], what.get(i) + ": " + r[1] + r[2]);
      assertTrue(r[2].contains("WARNING: checkpoint " + newest + " is damaged"), r[2]);
      assertTrue(r[2].contains("resuming from ckpt-4, the newest intact checkpoint"), r[2]);
      assertTrue(r[2].contains("resuming at epoch 1, step 4"), r[2]);
      assertEquals(older, hashes(ckpts.resolve("ckpt-4")));
      // That run saved a good ckpt-6 again; the next round damages it afresh.
      good[0] = Files.readAllBytes(newest.resolve("variables.index"));
      good[1] = Files.readAllBytes(dataFile);
    }
  }

  /**
   * A checkpoint damaged on disk, its size unchanged (64 bytes overwritten in the middle of its
   * data file, where TensorFlow itself would read on without a word), is refused by every
   * command that reads weights: one line naming the checkpoint and the file, exit code 2, within
   * seconds, nothing written. Each command runs under a timeout, so a hang fails the test.
   */
  @Test
  void aCheckpointDamagedOnDiskIsRefusedByEveryCommandThatReadsWeights() throws Exception {
    Path run = tmp.resolve("run");
    assertEquals("0", train(run, "--epochs", "1")[0]);
    Path best = run.resolve("checkpoints/best");
    Path dataFile;
    try (Stream<Path> s = Files.list(best)) {
      dataFile = s.filter(p -> p.getFileName().toString().startsWith("variables.data"))
          .findFirst().orElseThrow();
    }
    long size = Files.size(dataFile);
    try (FileChannel ch = FileChannel.open(dataFile, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[64]), size / 2);
    }
    assertEquals(size, Files.size(dataFile));
    Path images = Files.createDirectories(tmp.resolve("images/shapes"));
    int[] labels = new int[1];
    Path png = images.resolve("one.png");
    Files.write(png, Synthetic.encode(Synthetic.images(1, 3, labels)[0], 28, 28, false, "png"));
    String data = data().toString();
    Path out = tmp.resolve("out");
    String[][] commands = readers(run, png, images, data, out);
    for (String[] command : commands) {
      String[] r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
          () -> cli(command), String.join(" ", command) + " hangs");
      String said = String.join(" ", command) + ": " + r[1] + r[2];
      assertEquals("2", r[0], said);
      assertEquals(1, r[2].strip().lines().count(), said);
      assertTrue(r[2].contains("checkpoint " + best + " is damaged: " + dataFile.getFileName()
          + " is not the file that was saved"), said);
      assertFalse(Files.exists(out), said);
    }
  }

  /** Every command that opens a trained model, each writing under {@code out} if anything. */
  private static String[][] readers(Path run, Path png, Path images, String data, Path out) {
    return new String[][] {
        {"eval", "--model", run.toString(), "--data", data, "--out", out.resolve("eval").toString()},
        {"predict", "--model", run.toString(), png.toString()},
        {"features", "--model", run.toString(), "--data", images.getParent().toString(),
            "--out", out.resolve("f.npy").toString()},
        {"similar", "--model", run.toString(), "--index", images.toString(), "--query",
            png.toString()},
        {"report", run.toString(), "--out", out.resolve("report.html").toString()},
        {"export", "--model", run.toString(), "--out", out.resolve("model").toString()},
        {"export", "--format", "onnx", "--model", run.toString(), "--out",
            out.resolve("m.onnx").toString()},
        {"bench", "--mode", "serving", "--model", run.toString(), "--batch", "2", "--steps", "1"},
        {"summary", "--model", run.toString()},
        {"train", "--init-from", run.toString(), "--data", data, "--out",
            out.resolve("tuned").toString(), "--epochs", "1", "--batch", "16"},
    };
  }

  /**
   * Settings that disagree with the run's weights or with each other (edited by hand, or
   * copied from another run) get the same one line from every command, and a resume too.
   */
  @Test
  void settingsThatDisagreeAreRefusedByEveryCommandThatReadsTheModel() throws Exception {
    Path run = tmp.resolve("run");
    assertEquals("0", train(run, "--epochs", "1")[0]);
    Path images = Files.createDirectories(tmp.resolve("images/shapes"));
    int[] labels = new int[1];
    Path png = images.resolve("one.png");
    Files.write(png, Synthetic.encode(Synthetic.images(1, 3, labels)[0], 28, 28, false, "png"));
    String data = data().toString();
    Path out = tmp.resolve("out");
    Path labelsFile = run.resolve("labels.txt");
    Path settings = run.resolve("run.properties");
    List<String> names = Files.readAllLines(labelsFile);
    String properties = Files.readString(settings);

    Files.write(labelsFile, names.subList(0, 3));
    List<String[]> all = new java.util.ArrayList<>(List.of(readers(run, png, images, data, out)));
    all.add(trainArgs(run, "--epochs", "2", "--resume").toArray(String[]::new));
    for (String[] command : all) {
      String[] r = cli(command);
      String said = String.join(" ", command) + ": " + r[1] + r[2];
      assertEquals("2", r[0], said);
      assertEquals(1, r[2].strip().lines().count(), said);
      assertTrue(r[2].contains(labelsFile + " has 3 names, but run.properties says the model"
          + " has 10 classes"), said);
      assertFalse(Files.exists(out), said);
    }

    Files.write(labelsFile, names);
    Files.writeString(settings, properties.replace("model.width=0.125", "model.width=0.25"));
    for (String[] command : readers(run, png, images, data, out)) {
      String[] r = cli(command);
      String said = String.join(" ", command) + ": " + r[1] + r[2];
      assertEquals("2", r[0], said);
      assertEquals(1, r[2].strip().lines().count(), said);
      assertTrue(r[2].contains("holds another network than run.properties describes"), said);
      assertFalse(r[2].contains("damaged"), said);
      assertFalse(Files.exists(out), said);
    }
  }

  @Test
  void sigtermStopsAfterTheStepWithACheckpointAndTheRunResumesThere() throws Exception {
    Path run = tmp.resolve("run");
    Process p = trainInAnotherJvmUntilStep(run, 4, "--checkpoint-every", "0");
    Path log = trainLog();
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), read(log));
    String out = read(log);
    assertEquals(143, p.exitValue(), out);
    assertTrue(out.contains("SIGTERM: stopping after this step and saving a checkpoint"), out);
    Matcher m = Pattern
        .compile("stopped at step (\\d+) \\(epoch (\\d+), batch (\\d+)/6\\); saved (\\S+),")
        .matcher(out);
    assertTrue(m.find(), out);
    long step = Long.parseLong(m.group(1));
    assertEquals(run.resolve("checkpoints/ckpt-" + step).toString(), m.group(4));
    assertTrue(Files.exists(run.resolve("checkpoints/ckpt-" + step + "/state.properties")));
    assertTrue(out.contains("to continue, run the same command with --resume"), out);

    String[] r = train(run, "--epochs", m.group(2), "--resume");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[2].contains("resuming at epoch " + m.group(2) + ", step " + step), r[2]);
  }

  @Test
  void aSecondSignalExitsAtOnce() throws Exception {
    Path run = tmp.resolve("run");
    Process p = trainInAnotherJvmUntilStep(run, 5, "--checkpoint-every", "3");
    Path log = trainLog();
    // Two different signals, so the kernel cannot merge them into one, sent by one shell
    // microseconds apart, so the first cannot finish the run (a step and a checkpoint) before
    // the second arrives. The JVM runs each signal's handler on a thread of its own, so either
    // may be handled first; whichever is second must end the process at once, with its own
    // exit code.
    Process kill = new ProcessBuilder("sh", "-c", "kill -INT $0 && kill -TERM $0",
        Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), read(log));
    String out = read(log);
    Matcher first = Pattern.compile("SIG(INT|TERM): stopping after this step").matcher(out);
    Matcher second = Pattern.compile("SIG(INT|TERM) again: exiting at once").matcher(out);
    assertTrue(first.find(), out);
    assertTrue(second.find(), out);
    assertNotEquals(first.group(1), second.group(1), out);
    assertEquals(second.group(1).equals("INT") ? 130 : 143, p.exitValue(), out);
    // Whatever it was doing, every checkpoint folder under its own name is whole.
    try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
      for (Path c : s.filter(f -> f.getFileName().toString().matches("ckpt-\\d+")).toList()) {
        assertTrue(Files.exists(c.resolve("state.properties")), c.toString());
        assertTrue(Files.exists(c.resolve("variables.index")), c.toString());
      }
    }
    String[] r = train(run, "--epochs", "2", "--resume");
    assertEquals("0", r[0], r[1] + r[2]);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** train on the small network and data every test here uses, then {@code more}. */
  private List<String> trainArgs(Path run, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--data", data().toString(), "--out",
        run.toString(), "--width", "0.125", "--image-size", "67", "--batch", "16", "--init",
        "he", "--hidden-bias", "0.1", "--input-scale", "unit", "--log-every", "1",
        "--no-report", "--threads", "1"));
    args.addAll(List.of(more));
    return args;
  }

  private String[] train(Path run, String... more) throws IOException {
    List<String> args = trainArgs(run, "--keep", "5");
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  /**
   * Training for 200 epochs, far more than a test waits for, in another JVM; returns once its
   * log shows epoch 1's {@code step}.
   */
  private Process trainInAnotherJvmUntilStep(Path run, int step, String... more)
      throws Exception {
    List<String> args = trainArgs(run, "--epochs", "200");
    args.addAll(List.of(more));
    // A job that a non-interactive shell starts in the background (a build run with '&')
    // inherits SIGINT ignored, which would stay ignored in the child and lose the test's
    // Ctrl-C; env --default-signal (GNU coreutils 8.31 and later) hands the child the default.
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
    cmd.addAll(SummaryCommandTest.inAnotherJvm(args.toArray(String[]::new)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(trainLog().toFile()).start();
    awaitLog(p, trainLog(), "epoch 1/200  step " + step + " ");
    return p;
  }

  /** Where {@link #trainInAnotherJvmUntilStep} writes the child's output. */
  private Path trainLog() {
    return tmp.resolve("train.log");
  }

  /** 96 training images (6 batches of 16) and 32 test images, written once per test. */
  private Path data() throws IOException {
    Path data = tmp.resolve("data");
    if (!Files.exists(data)) {
      int[] labels = new int[96];
      Synthetic.writeIdx(data, "train", Synthetic.images(96, 1, labels), labels, true);
      int[] testLabels = new int[32];
      Synthetic.writeIdx(data, "t10k", Synthetic.images(32, 2, testLabels), testLabels, false);
    }
    return data;
  }

  private static void awaitLog(Process p, Path log, String text) throws Exception {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!read(log).contains(text)) {
      assertTrue(p.isAlive(), "ended before '" + text + "':\n" + read(log));
      assertTrue(System.nanoTime() < end, "no '" + text + "':\n" + read(log));
      Thread.sleep(50);
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** SHA-256 of every file under {@code dir}, by relative path (temporary files included). */
  static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(f).toString(),
            HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  private static void truncate(Path f, long size) {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path f, byte[] b) {
    try {
      Files.write(f, b);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void delete(Path f) {
    try {
      Files.delete(f);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
