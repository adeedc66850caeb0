package io.alexnet.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Synthetic;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between-graph training on loopback: a ps task and two worker tasks, each its own JVM running
 * `alexnet train --cluster ...`, as users would start them on separate machines.
 */
class ClusterTrainingTest {
  private static final Pattern STEP_LINE = Pattern.compile("(?m)^epoch \\d+/\\d+  step (\\d+) ");
  private static final Pattern RAN =
      Pattern.compile("worker task (\\d) ran (\\d+) steps; global step (\\d+)");

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void endEveryProcess() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (Process p : started) {
      p.waitFor();
    }
  }

  @Test
  void asyncWorkersShareOneModelSurviveAKilledWorkerAndTheChiefResumes() throws Exception {
    Path data = data(640, 64);
    List<String> cluster = startCluster();
    List<String> model = concat(smallModel(data), "--checkpoint-every", "10", "--val-limit", "32");
    Path chiefRun = tmp.resolve("chief");

    // Phase 1: both workers train 3 epochs of their shards, updating the ps asynchronously.
    Task chief = start("chief", cluster, concat(model, "--job", "worker", "--task", "0",
        "--out", chiefRun.toString(), "--epochs", "3"));
    Task other = start("worker1", cluster, concat(model, "--job", "worker", "--task", "1",
        "--out", tmp.resolve("worker1").toString(), "--epochs", "3"));
    assertEquals(0, chief.exit(Duration.ofMinutes(3)), chief.log());
    assertEquals(0, other.exit(Duration.ofMinutes(3)), other.log());
    long[] a = ran(chief.log()), b = ran(other.log());
    assertTrue(a[0] > 0 && b[0] > 0, "both workers made progress: " + a[0] + ", " + b[0]);
    // Every update of either worker went into the one global step, none lost.
    assertEquals(a[0] + b[0], Math.max(a[1], b[1]), chief.log() + other.log());
    assertTrue(other.log().contains("no validation here"), other.log());
    List<String> epochs = Files.readAllLines(chiefRun.resolve("epochs.csv"));
    double first = trainLoss(epochs.get(1)), last = trainLoss(epochs.get(epochs.size() - 1));
    assertTrue(last < first, "train loss fell: " + epochs);

    // The chief's checkpoint restores in a plain single-process run.
    String[] eval = SummaryCommandTest.cli("eval", "--model", chiefRun.toString(), "--data",
        data.toString(), "--json");
    assertEquals("0", eval[0], eval[2]);
    assertTrue(eval[1].contains("\"examples\":64"), eval[1]);

    // Phase 2: kill the chief mid-run; the other worker goes on; the restarted chief resumes
    // from its newest checkpoint.
    Task chief2 = start("chief2", cluster, concat(model, "--job", "worker", "--task", "0",
        "--out", chiefRun.toString(), "--epochs", "60", "--resume"));
    Task other2 = start("worker1b", cluster, concat(model, "--job", "worker", "--task", "1",
        "--out", tmp.resolve("worker1b").toString(), "--epochs", "60"));
    chief2.awaitSteps(3, Duration.ofMinutes(2));
    other2.awaitSteps(1, Duration.ofMinutes(2));
    chief2.process.destroyForcibly().waitFor();
    int before = other2.steps();
    other2.awaitSteps(before + 3, Duration.ofMinutes(2));
    assertTrue(other2.process.isAlive(), other2.log());

    Path newest;
    try (Stream<Path> s = Files.list(chiefRun.resolve("checkpoints"))) {
      newest = s.filter(p -> p.getFileName().toString().matches("ckpt-\\d+"))
          .max((x, y) -> Long.compare(step(x), step(y))).orElseThrow();
    }
    Task chief3 = start("chief3", cluster, concat(model, "--job", "worker", "--task", "0",
        "--out", chiefRun.toString(), "--epochs", "60", "--resume"));
    chief3.await("restored " + newest, Duration.ofMinutes(2));
    chief3.awaitSteps(1, Duration.ofMinutes(2));
    assertTrue(other2.process.isAlive(), other2.log());
  }

  /**
   * A cluster as an orchestrator starts it: every task gets the same cluster in TF_CONFIG and
   * its own task there, and no --cluster, --job or --task flags.
   */
  @Test
  void tasksStartedWithTfConfigAloneTrainAndTheChiefWritesItsCheckpoint() throws Exception {
    Path data = data(160, 16);
    int ps = freePort(), w0 = freePort(), w1 = freePort();
    String cluster = "\"cluster\": {\"ps\": [\"127.0.0.1:" + ps + "\"], \"worker\": [\"127.0.0.1:"
        + w0 + "\", \"127.0.0.1:" + w1 + "\"]}";
    start("ps", List.of(), List.of(), "{" + cluster + ", \"task\": {\"type\": \"ps\","
        + " \"index\": 0}}").await("serving on 127.0.0.1:" + ps, Duration.ofSeconds(60));
    List<String> model = concat(smallModel(data), "--epochs", "1", "--val-limit", "16");
    Path chiefRun = tmp.resolve("chief");
    Task chief = start("chief", List.of(), concat(model, "--out", chiefRun.toString()),
        "{" + cluster + ", \"task\": {\"type\": \"worker\", \"index\": 0}}");
    Task other = start("worker1", List.of(), concat(model, "--out",
        tmp.resolve("worker1").toString()), "{" + cluster + ", \"task\": {\"type\":"
        + " \"worker\", \"index\": 1}, \"environment\": \"cloud\"}");
    assertEquals(0, chief.exit(Duration.ofMinutes(3)), chief.log());
    assertEquals(0, other.exit(Duration.ofMinutes(3)), other.log());
    assertTrue(chief.log().contains("worker task 0 of 2 (chief)"), chief.log());
    assertTrue(other.log().contains("worker task 1 of 2"), other.log());
    long[] a = ran(chief.log()), b = ran(other.log());
    assertEquals(a[0] + b[0], Math.max(a[1], b[1]), chief.log() + other.log());
    try (Stream<Path> s = Files.list(chiefRun.resolve("checkpoints"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("ckpt-\\d+")),
          chief.log());
    }
    assertFalse(Files.exists(tmp.resolve("worker1/checkpoints/best")), other.log());

    // Flags that say otherwise are refused, naming both.
    Task contradicted = start("contradicted", List.of(), concat(model, "--job", "ps", "--out",
        tmp.resolve("no").toString()), "{" + cluster + ", \"task\": {\"type\": \"worker\","
        + " \"index\": 0}}");
    assertEquals(2, contradicted.exit(Duration.ofMinutes(1)), contradicted.log());
    assertTrue(contradicted.log().contains("--job ps contradicts TF_CONFIG, which"
        + " makes this process worker task 0"), contradicted.log());
    Task malformed = start("malformed", List.of(), model, "{\"cluster\": {\"ps\": []}}");
    assertEquals(2, malformed.exit(Duration.ofMinutes(1)), malformed.log());
    assertTrue(malformed.log().contains("TF_CONFIG's cluster.ps: expected the addresses of the"
        + " ps tasks"), malformed.log());
  }

  @Test
  void syncWorkersTakeOneAveragedStepTogether() throws Exception {
    Path data = data(330, 16);
    List<String> cluster = startCluster();
    List<String> model = concat(smallModel(data), "--epochs", "2", "--sync");
    Task chief = start("chief", cluster, concat(model, "--job", "worker", "--task", "0",
        "--out", tmp.resolve("chief").toString()));
    Task other = start("worker1", cluster, concat(model, "--job", "worker", "--task", "1",
        "--out", tmp.resolve("worker1").toString()));
    assertEquals(0, chief.exit(Duration.ofMinutes(3)), chief.log());
    assertEquals(0, other.exit(Duration.ofMinutes(3)), other.log());
    long[] a = ran(chief.log()), b = ran(other.log());
    // 313 training examples, 156 per worker after an even split: 10 batches an epoch.
    assertEquals(20, a[0], chief.log());
    assertEquals(20, b[0], other.log());
    // One update per round of both workers' gradients: the global step counts rounds.
    assertEquals(20, a[1], chief.log());
    assertEquals(20, b[1], other.log());
    assertTrue(chief.log().contains("synchronous"), chief.log());
    assertTrue(Files.exists(tmp.resolve("chief/checkpoints/ckpt-20/variables.index")));
  }

  @Test
  void aSyncWorkerThatDiesIsNamedAndTheChiefStopsWithItsCheckpointsIntact() throws Exception {
    Path data = data(330, 16);
    List<String> cluster = startCluster();
    List<String> model = concat(smallModel(data), "--epochs", "50", "--sync",
        "--cluster-timeout", "10", "--checkpoint-every", "3");
    Path chiefRun = tmp.resolve("chief");
    Task chief = start("chief", cluster, concat(model, "--job", "worker", "--task", "0",
        "--out", chiefRun.toString()));
    Task other = start("worker1", cluster, concat(model, "--job", "worker", "--task", "1",
        "--out", tmp.resolve("worker1").toString()));
    chief.awaitSteps(2, Duration.ofMinutes(2));
    other.process.destroyForcibly().waitFor();
    // The chief cannot finish a round without worker 1, so it saves nothing more from here.
    Thread.sleep(1000);
    java.util.Map<String, String> saved = FaultsTest.hashes(chiefRun.resolve("checkpoints"));
    assertEquals(2, chief.exit(Duration.ofSeconds(90)), chief.log());
    String[] lines = chief.log().split("\n");
    String last = lines[lines.length - 1];
    // The deadline is 10 s; a busy machine may report a second or two more.
    assertTrue(last.matches("alexnet train: synchronous step \\d+: waited 1\\d s for every"
        + " worker's gradients in vain .*"), last);
    assertTrue(last.contains("Not answering: worker task 1 at " + cluster.get(3).split(",")[1]
        + " ("), last);
    assertEquals(saved, FaultsTest.hashes(chiefRun.resolve("checkpoints")));
    assertTrue(saved.keySet().stream().anyMatch(f -> f.endsWith("variables.index")), "" + saved);
  }

  @Test
  void anUnreachablePsTaskIsAClearErrorAfterTheWaitNotAHang() throws Exception {
    Path data = data(64, 16);
    int ps = freePort(), w0 = freePort();
    List<String> cluster = List.of("--cluster", "ps=127.0.0.1:" + ps, "--cluster",
        "worker=127.0.0.1:" + w0);
    Task chief = start("chief", cluster, concat(smallModel(data), "--job", "worker", "--task",
        "0", "--out", tmp.resolve("chief").toString(), "--cluster-timeout", "5"));
    assertEquals(2, chief.exit(Duration.ofSeconds(90)), chief.log());
    assertTrue(chief.log().contains("alexnet train: gave up after 5 s: ps task 0 at 127.0.0.1:"
        + ps + " (Connection refused) did not answer"), chief.log());
  }

  /** Generated IDX data: {@code train} training and {@code test} test images. */
  private Path data(int train, int test) throws IOException {
    Path data = tmp.resolve("data");
    int[] labels = new int[train];
    Synthetic.writeIdx(data, "train", Synthetic.images(train, 1, labels), labels, true);
    int[] testLabels = new int[test];
    Synthetic.writeIdx(data, "t10k", Synthetic.images(test, 2, testLabels), testLabels, true);
    return data;
  }

  /** Starts the ps task of a 1 ps + 2 worker cluster on loopback; returns the --cluster flags. */
  private List<String> startCluster() throws Exception {
    int ps = freePort(), w0 = freePort(), w1 = freePort();
    List<String> cluster = List.of("--cluster", "ps=127.0.0.1:" + ps, "--cluster",
        "worker=127.0.0.1:" + w0 + ",127.0.0.1:" + w1);
    start("ps", cluster, List.of("--job", "ps", "--task", "0"))
        .await("serving on 127.0.0.1:" + ps, Duration.ofSeconds(60));
    return cluster;
  }

  /** A small-width model, one TensorFlow thread per process: three JVMs share two cores. */
  private static List<String> smallModel(Path data) {
    return List.of("--data", data.toString(), "--width", "0.125", "--image-size", "67",
        "--batch", "16", "--init", "he", "--hidden-bias", "0.1", "--input-scale", "unit",
        "--log-every", "5", "--threads", "1", "--workers", "1");
  }

  private static long step(Path ckpt) {
    return Long.parseLong(ckpt.getFileName().toString().substring("ckpt-".length()));
  }

  private static double trainLoss(String csvRow) {
    return Double.parseDouble(csvRow.split(",")[2]);
  }

  /** {steps this worker ran, global step it saw at the end}. */
  private static long[] ran(String log) {
    Matcher m = RAN.matcher(log);
    assertTrue(m.find(), log);
    return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  private Task start(String name, List<String> cluster, List<String> args) throws IOException {
    return start(name, cluster, args, null);
  }

  /** {@code train} in a JVM of its own; with {@code tfConfig}, that set as TF_CONFIG. */
  private Task start(String name, List<String> cluster, List<String> args, String tfConfig)
      throws IOException {
    List<String> cmd = SummaryCommandTest.inAnotherJvm("train");
    cmd.addAll(cluster);
    cmd.addAll(args);
    Path log = tmp.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("TF_CONFIG");
    if (tfConfig != null) {
      pb.environment().put("TF_CONFIG", tfConfig);
    }
    Process p = pb.start();
    started.add(p);
    return new Task(p, log);
  }

  private record Task(Process process, Path logFile) {
    String log() {
      try {
        return Files.readString(logFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    int steps() {
      Matcher m = STEP_LINE.matcher(log());
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    }

    void await(String text, Duration limit) throws InterruptedException {
      awaitLog(() -> log().contains(text), "'" + text + "'", limit);
    }

    void awaitSteps(int n, Duration limit) throws InterruptedException {
      awaitLog(() -> steps() >= n, n + " step lines", limit);
    }

    /** Polls the log until {@code done}; fails if the process ends or time runs out first. */
    private void awaitLog(java.util.function.BooleanSupplier done, String what, Duration limit)
        throws InterruptedException {
      long end = System.nanoTime() + limit.toNanos();
      while (!done.getAsBoolean()) {
        // Checked again after the liveness test: the process may print it and exit between.
        assertTrue(process.isAlive() || done.getAsBoolean(), "ended before " + what + ":\n"
            + log());
        assertTrue(System.nanoTime() < end, "no " + what + " within " + limit + ":\n" + log());
        Thread.sleep(200);
      }
    }

    int exit(Duration limit) throws InterruptedException {
      if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        fail("still running after " + limit + ":\n" + log());
      }
      return process.exitValue();
    }
  }
}
