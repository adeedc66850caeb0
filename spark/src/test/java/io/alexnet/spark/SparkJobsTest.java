package io.alexnet.spark;

import io.alexnet.runtime.SessionOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.api.Features;
import io.alexnet.api.Model;
import io.alexnet.data.ImageFolder;
import io.alexnet.data.Synthetic;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.io.JsonText;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs in local mode (two threads, a task tried up to four times) against the
 * single-process paths they must equal: eval's evaluation, to the last image and the last
 * count, corrupt images among them; features' .npy rows, to 1e-6; and the same counts when a
 * task fails half-way through its partition and Spark runs it again.
 */
class SparkJobsTest {
  @TempDir static Path tmp;
  static RunDir run;
  static Path images;
  static SparkSession spark;
  static final int CORRUPT = 3;

  @BeforeAll
  static void start() throws Exception {
    run = TinyRun.create(tmp, 1);
    // 60 generated images in ten class folders, and three files that are no images.
    images = tmp.resolve("images");
    int[] labels = new int[60];
    byte[][] pixels = Synthetic.images(60, 9, labels);
    for (int i = 0; i < pixels.length; i++) {
      Path d = Files.createDirectories(images.resolve("c" + labels[i]));
      Files.write(d.resolve(i + (i % 2 == 0 ? ".png" : ".jpg")), Synthetic.encode(pixels[i],
          28, 28, i % 3 == 0, i % 2 == 0 ? "png" : "jpg"));
    }
    for (int i = 0; i < CORRUPT; i++) {
      Files.writeString(images.resolve("c" + i).resolve("broken" + i + ".png"), "not an image");
    }
    spark = SparkSession.builder().master("local[2,4]").appName("alexnet tests")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static EvalResult single() throws Exception {
    try (Model m = Model.loader(run.dir()).session(SessionOptions.FLOAT32).load()) {
      return m.evaluate(ImageFolder.open(images), new EvalOptions(8, 2, 1),
          io.alexnet.eval.EvalListener.NONE);
    }
  }

  static void assertSame(EvalResult want, EvalResult got) {
    assertEquals(want.examples(), got.examples());
    assertEquals(want.bad(), got.bad());
    assertEquals(want.top1Error(), got.top1Error(), 0.0);
    assertEquals(want.top5Error(), got.top5Error(), 0.0);
    for (int c = 0; c < want.confusion().length; c++) {
      assertArrayEquals(want.confusion()[c], got.confusion()[c], "confusion row " + c);
    }
  }

  @Test
  void evaluationEqualsTheSingleProcessOneToTheLastImage() throws Exception {
    EvalResult want = single();
    assertEquals(60, want.examples());
    assertEquals(CORRUPT, want.bad());
    Path out = tmp.resolve("eval.parquet");
    EvalResult got = SparkEvaluation.run(spark, ModelRequest.of(run.dir(), SessionOptions.FLOAT32), ImageSource.data(images.toString(),
        10, 1, 0), 3, new EvalOptions(8, 2, 1), out);
    assertSame(want, got);

    var rows = spark.read().parquet(out.toString());
    assertEquals(63, rows.count());
    List<Row> broken = rows.filter("error is not null").select("path", "error").collectAsList();
    assertEquals(CORRUPT, broken.size());
    for (Row r : broken) {
      assertTrue(r.getString(0).contains("broken"), r.toString());
      assertTrue(r.getString(1).contains("not an image"), r.toString());
    }
    // Each scored row's top-5 is the model's, best first.
    Row one = rows.filter("error is null").orderBy("path").first();
    float[] probs = probabilities(images.resolve(one.getString(one.fieldIndex("path"))));
    List<Integer> ids = one.getList(one.fieldIndex("top5Ids"));
    assertEquals(5, ids.size());
    for (int k = 1; k < 5; k++) {
      assertTrue(probs[ids.get(k - 1)] >= probs[ids.get(k)]);
    }
  }

  static float[] probabilities(Path image) throws Exception {
    try (Model m = Model.loader(run.dir()).session(SessionOptions.FLOAT32).load()) {
      float[] p = new float[10];
      m.predict(image, 10).forEach(pr -> p[pr.classId()] = pr.probability());
      return p;
    }
  }

  @Test
  void aTaskThatFailsHalfWayAndIsRetriedCountsOnce() throws Exception {
    EvalResult want = single();
    SparkEvaluation.failOnce = true;
    try {
      EvalResult got = SparkEvaluation.run(spark, ModelRequest.of(run.dir(), SessionOptions.FLOAT32), ImageSource.data(
          images.toString(), 10, 1, 0), 3, new EvalOptions(4, 1, 1), tmp.resolve("retry.parquet"));
      assertTrue(SparkEvaluation.injected.get() >= 1, "no failure was injected");
      assertSame(want, got);
    } finally {
      SparkEvaluation.failOnce = false;
    }
  }

  @Test
  void featureRowsEqualTheNpyThatFeaturesWrites() throws Exception {
    Path npy = tmp.resolve("fc7.npy");
    try (Model m = Model.loader(run.dir()).session(SessionOptions.FLOAT32).load()) {
      m.features("fc7").write(ImageFolder.open(images), npy, new EvalOptions(8, 2, 1),
          new Features.Listener() {});
    }
    List<String> names = Files.readAllLines(Features.namesFile(npy)).subList(1, 61);
    byte[] bytes = Files.readAllBytes(npy);
    int header = 128;
    int width = (bytes.length - header) / 4 / names.size();
    ByteBuffer values = ByteBuffer.wrap(bytes, header, bytes.length - header)
        .order(ByteOrder.LITTLE_ENDIAN);
    Map<String, float[]> want = new HashMap<>();
    for (String line : names) {
      float[] row = new float[width];
      for (int c = 0; c < width; c++) {
        row[c] = values.getFloat();
      }
      want.put(line.split("\t")[0], row);
    }

    Path out = tmp.resolve("fc7.parquet");
    SparkFeatures.Count count = SparkFeatures.run(spark, ModelRequest.of(run.dir(), SessionOptions.FLOAT32), "fc7",
        ImageSource.images(List.of(images.toString())), 4, new EvalOptions(8, 2, 1), out);
    assertEquals(60, count.rows());
    assertEquals(CORRUPT, count.skipped());
    assertEquals(width, count.width());
    List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
    assertEquals(60, rows.size());
    for (Row r : rows) {
      float[] w = want.get(r.getString(r.fieldIndex("path")));
      List<Float> got = r.getList(r.fieldIndex("values"));
      assertEquals(width, got.size());
      for (int c = 0; c < width; c++) {
        assertEquals(w[c], got.get(c), 1e-6f, r.getString(r.fieldIndex("path")) + " " + c);
      }
    }
  }

  /** Each job's --help: its usage and the shared flags, nothing on stderr. */
  @Test
  void everyJobPrintsItsHelpWithTheSharedFlags() {
    for (String job : List.of("eval", "features")) {
      PrintStream out = System.out, err = System.err;
      ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
      int code;
      try {
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        code = SparkMain.run(job, "--help");
      } finally {
        System.setOut(out);
        System.setErr(err);
      }
      assertEquals(0, code, job);
      assertEquals("", e.toString(), job);
      String help = o.toString(StandardCharsets.UTF_8);
      for (String flag : List.of("--model", "--checkpoint", "--trust", "--data", "--limit",
          "--batch", "--workers", "--threads", "--precision", "--verbose")) {
        assertTrue(help.contains(flag), job + " lacks " + flag + ": " + help);
      }
    }
  }

  /** The command: one JSON document with eval's keys; bad input is one line and exit 2. */
  @Test
  void theCommandPrintsEvalsKeysAndRefusesBadInput() throws Exception {
    PrintStream out = System.out, err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code, missing, unreachable;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      code = SparkMain.run("eval", "--model", run.dir().toString(), "--data",
          images.toString(), "--out", tmp.resolve("cli").toString(), "--partitions", "2",
          "--precision", "float32", "--json");
      missing = SparkMain.run("eval", "--model", tmp.resolve("nope").toString(), "--data",
          images.toString(), "--out", tmp.resolve("cli2").toString());
      int port;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      unreachable = SparkMain.run("eval", "--model", run.dir().toString(), "--data",
          images.toString(), "--out", tmp.resolve("cli3").toString(), "--master",
          "spark://127.0.0.1:" + port);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertEquals(0, code, e.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) JsonText.parse(o.toString());
    for (String key : List.of("examples", "skipped", "crops", "top1_error", "top5_error",
        "images_per_second", "seconds", "data_wait_seconds", "per_class_accuracy",
        "confusion_csv", "precision")) {
      assertTrue(doc.containsKey(key), key + " in " + doc);
    }
    EvalResult want = single();
    assertEquals((double) want.examples(), doc.get("examples"));
    assertEquals(want.top1Error(), (Double) doc.get("top1_error"), 1e-6);
    assertEquals(2, missing);
    assertTrue(e.toString().contains("no such model folder"), e.toString());
    assertEquals(2, unreachable);
    assertTrue(e.toString().contains("cannot reach the Spark master at spark://127.0.0.1:"),
        e.toString());
    assertTrue(!Files.exists(tmp.resolve("cli3")));
  }
}
