package io.alexnet.spark;

import io.alexnet.api.AlexNetException;
import io.alexnet.eval.ConfusionReport;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.EvalSummary;
import io.alexnet.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import io.alexnet.cli.DataFlags;
import io.alexnet.cli.ModelSourceFlags;
import io.alexnet.cli.SessionFlags;

/**
 * {@code alexnet spark eval|features}: batch evaluation and features as Spark jobs, embedded
 * ({@code local[*]} in this JVM) by default, on a cluster with {@code --master}, or through
 * {@code spark-submit --class io.alexnet.spark.SparkMain}. The flags are eval's and features'
 * where they apply.
 */
@Command(name = "alexnet spark", mixinStandardHelpOptions = true,
    description = "Batch evaluation and features as Spark jobs.",
    subcommands = {SparkMain.Eval.class, SparkMain.FeaturesJob.class,
        CommandLine.HelpCommand.class})
public final class SparkMain implements Runnable {

  /** Accepted by every command: a failure's stack trace (the launcher also shows TF's logs). */
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Show TensorFlow's own log lines, and a failure's stack trace.")
  boolean verbose;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * @param args a subcommand and its flags
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit code (tests call this).
   *
   * @param args a subcommand and its flags
   * @return 0, or 2 for bad input with one line on stderr saying what
   */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new SparkMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      String what = e instanceof AlexNetException || e instanceof IllegalArgumentException
          || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
          || e instanceof org.apache.spark.sql.AnalysisException ? e.getMessage()
          : e instanceof org.apache.spark.SparkException ? "the Spark job failed: " + root(e)
          : null;
      if (what == null) {
        throw e;
      }
      cmd.getErr().println("alexnet spark " + cmd.getCommandName() + ": "
          + what.lines().findFirst().orElse(""));
      if (((SparkMain) cmd.getCommandSpec().root().userObject()).verbose) {
        e.printStackTrace(cmd.getErr());
      }
      return 2;
    });
    return cli.execute(args);
  }

  /**
   * What went wrong underneath a failed job (a task's own exception, after Spark's retries):
   * an executor that cannot load TensorFlow's natives, say.
   */
  static String root(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }

  /** Flags every job takes: where Spark runs, and how the images are split. */
  static final class SparkOptions {
    @Option(names = "--master", description = "local[*] (the default, in this JVM),"
        + " spark://HOST:PORT, yarn or k8s://... Under spark-submit, its --master.")
    String master;

    @Option(names = "--partitions", defaultValue = "0",
        description = "Partitions of the images (0: Spark's default parallelism).")
    int partitions;

    /** Whether this process had a session before the job's (a program that calls us does). */
    boolean shared;

    SparkSession session(String job) {
      if (master != null) {
        reachable(master);
      }
      shared = SparkSession.getDefaultSession().isDefined();
      SparkSession.Builder b = SparkSession.builder().appName("alexnet " + job);
      if (master != null) {
        b.master(master);
      } else if (System.getProperty("spark.master") == null) {
        b.master("local[*]");
      }
      SparkSession s = b.getOrCreate();
      if (!shared) {
        s.sparkContext().setLogLevel("WARN");
      }
      return s;
    }

    /**
     * A standalone master that does not answer is refused at once, where Spark would retry for
     * a minute and then fail with a stack trace.
     */
    static void reachable(String master) {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("spark://([^:/,]+):(\\d+)").matcher(master);
      if (!m.matches()) {
        return; // yarn, k8s://, local, or several masters: Spark's own business
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))),
            10_000);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot reach the Spark master at " + master + " ("
            + e.getMessage() + "): start it, or check --master", e);
      }
    }

    /** Stops the session this command started; one it was given stays for its owner. */
    void done(SparkSession s) {
      if (!shared) {
        s.stop();
      }
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "eval as a Spark job: one Parquet row per image (path, label, top-5 ids and"
          + " probabilities, whether it is a top-1 and a top-5 hit, or why it could not be"
          + " read), and the whole set's numbers, exactly as eval counts them.")
  static final class Eval implements Callable<Integer> {
    @Mixin ModelSourceFlags source;

    @Mixin DataFlags data;

    @Mixin SessionFlags session;

    @Option(names = "--crops", defaultValue = "1", description = "1 or 10.")
    int crops;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "A new folder: predictions.parquet and confusion.csv.")
    Path out;

    @Option(names = "--json", description = "Print one JSON document on stdout, nothing else.")
    boolean json;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() throws Exception {
      EvalOptions options = data.evalOptions(crops);
      if (Files.exists(out)) {
        throw new IllegalArgumentException(out + " already exists: pick another --out");
      }
      ModelRequest model = request(source, session);
      EvalResult r;
      List<String> labels;
      String precision;
      SparkSession s = spark.session("eval");
      try {
        labels = ExecutorModels.inspect(s, model, io.alexnet.api.Model::labels);
        precision = ExecutorModels.inspect(s, model, m -> m.arithmetic().precision().label());
        r = SparkEvaluation.run(s, model, ImageSource.data(data.spec(), labels.size(),
            data.labelBase(), data.limit()), spark.partitions, options,
            out.resolve("predictions.parquet"));
      } finally {
        spark.done(s);
      }
      ConfusionReport.writeCsv(r, labels, out.resolve("confusion.csv"));
      if (json) {
        System.out.println(EvalSummary.json(r, crops, labels)
            .put("precision", precision)
            .put("confusion_csv", out.resolve("confusion.csv"))
            .put("predictions", out.resolve("predictions.parquet")));
        return 0;
      }
      System.out.println("precision: " + precision + " (on the driver's machine; each executor"
          + " decides auto for itself)");
      System.out.print(EvalSummary.text(r, crops, labels));
      System.out.println("predictions: " + out.resolve("predictions.parquet"));
      System.out.println("confusion matrix: " + out.resolve("confusion.csv"));
      return 0;
    }
  }

  /** How the executors open the model the flags name. */
  static ModelRequest request(ModelSourceFlags source, SessionFlags session) {
    return new ModelRequest(source.path().toAbsolutePath().toString(),
        source.choices().checkpoint(), source.choices().trust(), session.options());
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = "features as a Spark job: one Parquet row per readable image (path, label,"
          + " the layer's values as array<float>).")
  static final class FeaturesJob implements Callable<Integer> {
    @Mixin ModelSourceFlags source;

    @Mixin DataFlags data;

    @Mixin SessionFlags session;

    @Option(names = "--layer", defaultValue = "fc7", description = "Default: ${DEFAULT-VALUE}.")
    String layer;

    @Option(names = "--out", required = true, paramLabel = "DIR.parquet")
    Path out;

    @Option(names = "--json", description = "Print one JSON document on stdout, nothing else.")
    boolean json;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      if (Files.exists(out)) {
        throw new IllegalArgumentException(out + " already exists: pick another --out");
      }
      SparkSession s = spark.session("features");
      SparkFeatures.Count c;
      try {
        c = SparkFeatures.run(s, request(source, session), layer,
            ImageSource.images(data.sources()), spark.partitions, data.evalOptions(1), out);
      } finally {
        spark.done(s);
      }
      if (json) {
        System.out.println(new Json().put("rows", c.rows()).put("skipped", c.skipped())
            .put("width", c.width()).put("seconds", c.seconds()).put("parquet", out));
      } else {
        System.out.printf(Locale.ROOT, "wrote %d rows of %d %s values to %s (%d unreadable"
            + " images skipped), %.1f images/s%n", c.rows(), c.width(), layer, out, c.skipped(),
            c.rows() / Math.max(c.seconds(), 1e-9));
      }
      return 0;
    }
  }
}
