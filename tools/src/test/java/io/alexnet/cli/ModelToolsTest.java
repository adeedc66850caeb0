package io.alexnet.cli;

import io.alexnet.runtime.OneDnnWeightCache;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Synthetic;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export, inspect, eval and predict on a small trained run. */
class ModelToolsTest {
  @TempDir static Path tmp;
  static RunDir run;
  static Path model;

  @BeforeAll
  static void trainAndExport() throws Exception {
    run = TinyRun.create(tmp, 2);
    model = tmp.resolve("model");
    String[] r = cli("export", "--model", run.dir().toString(), "--out", model.toString(),
        "--model-version", "7");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("exported " + model.resolve("7").toAbsolutePath()), r[1]);
  }

  @Test
  void inspectShowsSignaturesOpsAndParameters() {
    String[] r = cli("inspect", model.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("signature serving_default"), r[1]);
    assertTrue(r[1].matches("(?s).*input  images\\s+float\\s+\\[\\?, 67, 67, 3\\].*"), r[1]);
    assertTrue(r[1].matches("(?s).*input  image_bytes\\s+string\\s+\\[\\?\\].*"), r[1]);
    assertTrue(r[1].contains("Conv2D") && r[1].contains("Rsqrt"), r[1]); // LRN, written out
    assertTrue(r[1].contains("classes: 10"), r[1]);
    String[] bad = cli("inspect", tmp.resolve("nope").toString());
    assertEquals("2", bad[0]);
    assertTrue(bad[2].contains("no such model folder"), bad[2]);
  }

  @Test
  void exportOnnxFromARunOrASavedModelAndInspectIt() throws Exception {
    Path onnx = tmp.resolve("cli.onnx");
    String[] r = cli("export", "--format", "onnx", "--model", run.dir().toString(), "--out",
        onnx.toString());
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("exported " + onnx.toAbsolutePath()), r[1]);

    String[] saved = cli("inspect", model.toString());
    Matcher params = Pattern.compile("parameters: ([0-9,]+)").matcher(saved[1]);
    assertTrue(params.find(), saved[1]);
    String[] info = cli("inspect", onnx.toString());
    assertEquals("0", info[0], info[2]);
    assertTrue(info[1].contains("opset ai.onnx 13"), info[1]);
    assertTrue(info[1].matches("(?s).*input  images\\s+float32\\s+\\[batch, 3, 67, 67\\].*"),
        info[1]);
    assertTrue(info[1].matches("(?s).*output probabilities\\s+float32\\s+\\[batch, 10\\].*"),
        info[1]);
    assertTrue(info[1].matches("(?s).*output top5\\s+int32\\s+\\[batch, 5\\].*"), info[1]);
    // The same parameters as the SavedModel, and its labels.
    assertTrue(info[1].contains("parameters: " + params.group(1)), info[1]);
    assertTrue(info[1].contains("classes: 10 (" + String.join(", ", run.labels().subList(0, 5))),
        info[1]);
    assertTrue(info[1].contains("Conv x5") && info[1].contains("LRN x4"), info[1]);

    Path fromSaved = tmp.resolve("from-saved.onnx");
    r = cli("export", "--format", "onnx", "--model", model.toString(), "--out",
        fromSaved.toString());
    assertEquals("0", r[0], r[1] + r[2]);
    assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(fromSaved));
  }

  @Test
  void exportAndInspectRefuseWhatTheyCannotDo() throws Exception {
    Path onnx = tmp.resolve("refused.onnx");
    String[][] cases = {
        {"export", "--format", "onnx", "--model", model.toString()},
        {"export", "--model", model.toString(), "--out", model.toString(), "--model-version", "7"},
        {"export", "--format", "tflite", "--model", run.dir().toString()},
        {"export", "--format", "onnx"},
        {"export", "--format", "onnx", "--model", tmp.toString(), "--out", onnx.toString()},
        {"export", "--model", run.dir().toString(), "--checkpoint", "ckpt-999999"},
    };
    String[] says = {"is a SavedModel: give --out", "7 already exists",
        "--format is savedmodel or onnx", "--model is required: a run folder or a SavedModel",
        "is not a model: no run.properties", "no checkpoint 'ckpt-999999'"};
    for (int i = 0; i < cases.length; i++) {
      String[] r = cli(cases[i]);
      assertEquals("2", r[0], String.join(" ", cases[i]) + ": " + r[1] + r[2]);
      assertTrue(r[2].contains(says[i]), r[2]);
    }
    assertFalse(Files.exists(onnx));
    Files.writeString(onnx, "not a model");
    String[] taken = cli("export", "--format", "onnx", "--model", run.dir().toString(),
        "--out", onnx.toString());
    assertEquals("2", taken[0]);
    assertTrue(taken[2].contains("already exists"), taken[2]);
    assertEquals("not a model", Files.readString(onnx));
    String[] notOnnx = cli("inspect", run.dir().resolve(RunDir.LABELS).toString());
    assertEquals("2", notOnnx[0]);
    assertTrue(notOnnx[2].contains("is not an ONNX model"), notOnnx[2]);
  }

  @Test
  void shardedEvaluationMergesToTheWholeSetsNumbers() throws Exception {
    Path data = TinyRun.data(tmp);
    String[] whole = cli("eval", "--model", model.toString(), "--data", data.toString(),
        "--out", tmp.resolve("whole").toString());
    assertEquals("0", whole[0], whole[2]);
    List<String> parts = new java.util.ArrayList<>(List.of("eval", "--merge"));
    for (int i = 0; i < 3; i++) {
      Path part = tmp.resolve("part-" + i + ".eval");
      String[] r = cli("eval", "--model", model.toString(), "--data", data.toString(),
          "--shard", i + "/3", "--partial", part.toString(), "--out",
          tmp.resolve("shard" + i).toString());
      assertEquals("0", r[0], r[2]);
      assertTrue(r[1].contains("(shard " + i + " of 3: " + (i < 1 ? 22 : 21) + ")"), r[1]);
      parts.add(part.toString());
    }
    parts.addAll(List.of("--out", tmp.resolve("merged").toString()));
    String[] merged = cli(parts.toArray(String[]::new));
    assertEquals("0", merged[0], merged[2]);
    // Same counts, same errors, same per-class table and confusion matrix as one pass.
    assertEquals(summary(whole[1]), summary(merged[1]));
    assertEquals(Files.readAllLines(tmp.resolve("whole/confusion.csv")),
        Files.readAllLines(tmp.resolve("merged/confusion.csv")));
    String[] missing = cli("eval", "--merge", parts.get(2), parts.get(3));
    assertEquals("2", missing[0]);
    assertTrue(missing[2].contains("shard 2/3 is missing"), missing[2]);
  }

  /** The report lines without the images/s figure, which differs between runs. */
  private static List<String> summary(String out) {
    return out.lines().filter(l -> !l.contains("images/s") || l.contains("top-1 error"))
        .filter(l -> l.startsWith("  ") || l.contains("top-1 error"))
        .map(l -> l.replaceAll(", [0-9.]+ images/s", "")).toList();
  }

  @Test
  void evalGivesTheSameNumbersFromTheRunAndFromTheSavedModel() throws Exception {
    Path data = TinyRun.data(tmp);
    String[] a = cli("eval", "--model", run.dir().toString(), "--data", data.toString(),
        "--json", "--out", tmp.resolve("eval-run").toString());
    String[] b = cli("eval", "--model", model.toString(), "--data", data.toString(), "--json",
        "--out", tmp.resolve("eval-model").toString());
    assertEquals("0", a[0], a[2]);
    assertEquals("0", b[0], b[2]);
    assertEquals(field(a[1], "top1_error"), field(b[1], "top1_error"));
    assertEquals(field(a[1], "top5_error"), field(b[1], "top5_error"));
    assertTrue(a[1].contains("\"examples\":64"), a[1]);
    // --json: stdout is one JSON document, the report's progress included nowhere in it.
    java.util.Map<String, Object> doc = JsonDocument.object(a[1]);
    assertEquals(64.0, doc.get("examples"));
    assertTrue(Files.exists(Path.of((String) doc.get("report"))), a[1]);
    assertEquals(tmp.resolve("eval-run").resolve("report.html").toAbsolutePath().toString(),
        doc.get("report"));
    // Where the time went: the wait for decoded images is part of the evaluation's time.
    double seconds = Double.parseDouble(field(a[1], "seconds"));
    double waiting = Double.parseDouble(field(a[1], "data_wait_seconds"));
    assertTrue(waiting >= 0 && waiting <= seconds, a[1]);
    // Two short epochs: not good yet, but no longer guessing (chance on four classes is 0.75;
    // TrainerTest checks real learning).
    double top1 = Double.parseDouble(field(a[1], "top1_error"));
    assertTrue(top1 < 0.75, "four-class data after two epochs: " + top1);
    assertTrue(Files.exists(tmp.resolve("eval-run/confusion.csv")));
    assertTrue(Files.exists(tmp.resolve("eval-run/confusion.png")));
    assertEquals(11, Files.readAllLines(tmp.resolve("eval-run/confusion.csv")).size());
    String[] ten = cli("eval", "--model", model.toString(), "--data", data.toString(),
        "--crops", "10", "--limit", "16", "--out", tmp.resolve("eval10").toString());
    assertEquals("0", ten[0], ten[2]);
    assertTrue(ten[1].contains("16 images (0 unreadable skipped), 10 crops"), ten[1]);
    assertTrue(ten[1].contains("waiting for decoded images"), ten[1]);
  }

  /**
   * oneDNN's weight cache, which tools/alexnet turns on for eval, gives the same numbers, and
   * training refuses it. The cache is process-wide (TensorFlow reads the variable once), so
   * both run in another JVM with it on.
   */
  @Test
  void evalUnderOneDnnsWeightCacheGivesTheSameNumbersAndTrainingRefusesIt() throws Exception {
    Path data = TinyRun.data(tmp);
    String[] plain = cli("eval", "--model", run.dir().toString(), "--data", data.toString(),
        "--json", "--no-report", "--out", tmp.resolve("eval-plain").toString());
    assertEquals("0", plain[0], plain[2]);
    String[] cached = inJvmWithWeightCache("eval", "--model", run.dir().toString(), "--data",
        data.toString(), "--json", "--no-report", "--out", tmp.resolve("eval-cached").toString());
    assertEquals("0", cached[0], cached[1] + cached[2]);
    // In a process of its own, TensorFlow's native logging included, stdout is the document.
    JsonDocument.object(cached[1]);
    String json = cached[1].strip();
    assertEquals(numbers(plain[1].strip()), numbers(json));
    assertTrue(json.contains("\"examples\":64"), json);

    String[] train = inJvmWithWeightCache("train", "--data", data.toString(), "--out",
        tmp.resolve("refused").toString(), "--width", "0.125", "--image-size", "67", "--epochs",
        "1", "--no-report");
    assertEquals("2", train[0], train[1] + train[2]);
    assertTrue(train[2].contains("unset it for training"), train[2]);
    assertEquals(1, train[2].lines().filter(l -> l.startsWith("alexnet train:")).count(),
        train[2]);
    assertFalse(Files.exists(tmp.resolve("refused")), "nothing written for a refused run");
  }

  /** An eval's JSON without its timings and output path, which differ between runs. */
  private static String numbers(String json) {
    return json.replaceAll("\"(images_per_second|seconds|data_wait_seconds)\":[-0-9.Ee]+,", "")
        .replaceAll(",\"confusion_csv\":\"[^\"]*\"", "");
  }

  /** {exit code, stdout, stderr} of the program in a JVM of its own, under the weight cache. */
  private static String[] inJvmWithWeightCache(String... args) throws Exception {
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(SummaryCommandTest.inAnotherJvm(args))
        .redirectError(err.toFile());
    pb.environment().put(io.alexnet.runtime.OneDnnWeightCache.VARIABLE, "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), out);
    return new String[] {String.valueOf(p.exitValue()), out, Files.readString(err)};
  }

  @Test
  void predictRanksClassesAndReportsBadFilesWithoutStopping() throws Exception {
    int[] labels = new int[2];
    byte[][] img = Synthetic.images(2, 7, labels);
    Path png = tmp.resolve("shape.png");
    Files.write(png, Synthetic.encode(img[0], 28, 28, false, "png"));
    Path jpg = tmp.resolve("shape.jpg");
    Files.write(jpg, Synthetic.encode(img[1], 28, 28, true, "jpg"));
    Path text = tmp.resolve("notes.jpg");
    Files.writeString(text, "not an image");
    String[] r = cli("predict", "--model", model.toString(), png.toString(),
        tmp.resolve("missing.png").toString(), text.toString(), jpg.toString());
    assertEquals("1", r[0]); // some files failed
    assertTrue(r[1].contains(png + ":\n  1. "), r[1]);
    assertTrue(r[1].contains(jpg + ":\n  1. "), r[1]);
    assertTrue(r[1].contains("  5. "), r[1]);
    assertTrue(r[2].contains("cannot read " + tmp.resolve("missing.png") + ": no such file"),
        r[2]);
    assertTrue(r[2].contains("notes.jpg: not an image"), r[2]);
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":([0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(1);
  }
}
