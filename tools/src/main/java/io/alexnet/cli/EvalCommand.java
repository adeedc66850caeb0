package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.eval.ConfusionReport;
import io.alexnet.eval.EvalListener;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.EvalShard;
import io.alexnet.eval.EvalSummary;
import io.alexnet.io.Json;
import io.alexnet.report.ReportCollector;
import io.alexnet.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Top-1 and top-5 error of a model on a dataset, per-class accuracy and the"
        + " confusion matrix (CSV and PNG), and report.html from the same pass. A large set can"
        + " be split over machines: each runs --shard I/N --partial FILE, then --merge FILE..."
        + " gives the whole set's numbers.")
final class EvalCommand implements Callable<Integer> {

  /** What eval leaves in its output folder: its counts, for {@code report EVAL_OUT}. */
  static final String EVAL_PROPERTIES = "eval.properties";

  @Mixin ModelSourceFlags source;

  @Mixin DataFlags data;

  @Mixin SessionFlags session;

  @Option(names = "--crops", defaultValue = "1",
      description = "1 (central crop) or 10 (the paper's corners + centre, flipped, averaged).")
  int crops;

  @Option(names = "--out", description = "Where confusion.csv/.png go. Default: the model folder.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object on stdout, nothing else.")
  boolean json;

  @Option(names = "--report", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also write report.html, from this pass (its neighbours are searched among"
          + " the run's training images). Default: yes.")
  boolean htmlReport;

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Score only shard I of N (examples I, I+N, ...), e.g. 0/4 on the first of"
          + " four machines.")
  String shard;

  @Option(names = "--partial", paramLabel = "FILE",
      description = "With --shard: also save the shard's counts here, for --merge.")
  Path partial;

  @Option(names = "--merge", arity = "1..*", paramLabel = "FILE",
      description = "Merge the --partial files of every shard into the whole set's report"
          + " (no model or data needed).")
  List<Path> merge;

  @Override
  public Integer call() throws Exception {
    if (merge != null) {
      return merged();
    }
    if (source.model == null) {
      throw new IllegalArgumentException("--model is required (or --merge to combine shards)");
    }
    Path model = source.model;
    if (partial != null && shard == null) {
      throw new IllegalArgumentException("--partial saves a shard's counts: give --shard I/N");
    }
    int[] part = shard == null ? new int[] {0, 1} : parseShard(shard);
    EvalOptions options = data.evalOptions(crops);
    Path dir = out != null ? out : model;
    try (Model m = source.open(session)) {
      Dataset d = Subset.shard(data.labelled(true, m.labels().size()), part[0], part[1]);
      if (!json) {
        System.out.println("model: " + m.description());
        System.out.println("data:  " + d.describe());
        System.out.println("precision: " + m.arithmetic().precision().label() + " ("
            + m.arithmetic().description() + ")");
      }
      boolean report = htmlReport && shard == null;
      ReportCollector seen = new ReportCollector(RunReport.Options.DEFAULT.grid());
      ProgressBar bar = new ProgressBar("eval");
      EvalResult r = m.evaluate(d, options, report ? both(bar, seen) : bar);
      bar.done();
      EvalShard counts = new EvalShard(part[0], part[1], crops,
          model.toAbsolutePath().toString(), data.spec(), m.labels(), r);
      if (partial != null) {
        counts.save(partial);
      }
      Files.createDirectories(dir);
      if (shard == null) {
        counts.save(dir.resolve(EVAL_PROPERTIES));
      }
      Optional<Path> page = Optional.empty();
      if (report) {
        page = Optional.of(RunReport.write(m, new RunReport.Evaluation(r, crops, seen, d),
            RunReport.trainingData(m), RunReport.Options.closing(r.examples()),
            dir.resolve("report.html"), bar.next("report: neighbours")));
        bar.done();
      }
      print(r, crops, m.labels(), dir, page, partial,
          Optional.of(m.arithmetic().precision().label()));
    }
    return 0;
  }

  /** One listener that tells both. */
  private static EvalListener both(EvalListener a, EvalListener b) {
    return new EvalListener() {
      @Override
      public void batch(int[] indices, int[] labels, float[] probabilities, int n) {
        a.batch(indices, labels, probabilities, n);
        b.batch(indices, labels, probabilities, n);
      }

      @Override
      public void progress(int done, int total) {
        a.progress(done, total);
        b.progress(done, total);
      }
    };
  }

  private int merged() throws Exception {
    if (source.model != null || shard != null || partial != null) {
      throw new IllegalArgumentException("--merge combines saved shards: it takes no --model,"
          + " --shard or --partial");
    }
    List<EvalShard> shards = new ArrayList<>();
    for (Path f : merge) {
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException("no shard file " + f);
      }
      shards.add(EvalShard.load(f));
    }
    EvalResult r = EvalShard.merge(shards);
    if (shards.stream().map(EvalShard::model).distinct().count() > 1) {
      System.err.println("note: the shards name different model paths (fine if they are copies"
          + " of one model): " + shards.stream().map(EvalShard::model).distinct().toList());
    }
    if (!json) {
      System.out.println("merged " + shards.size() + " shards of " + shards.get(0).model()
          + " on " + shards.get(0).data());
    }
    Path dir = out != null ? out : merge.get(0).toAbsolutePath().getParent();
    Files.createDirectories(dir);
    print(r, shards.get(0).crops(), shards.get(0).labels(), dir, Optional.empty(), null,
        Optional.empty());
    return 0;
  }

  /** Writes confusion.csv and .png, and prints the numbers (text, or one JSON document). */
  private void print(EvalResult r, int crops, List<String> labels, Path dir,
      Optional<Path> report, Path partialFile, Optional<String> precision) throws IOException {
    ConfusionReport.writeCsv(r, labels, dir.resolve("confusion.csv"));
    boolean png = ConfusionReport.writePng(r, labels, dir.resolve("confusion.png"));
    if (json) {
      Json j = EvalSummary.json(r, crops, labels)
          .put("confusion_csv", dir.resolve("confusion.csv"));
      precision.ifPresent(p -> j.put("precision", p));
      report.ifPresent(p -> j.put("report", p.toAbsolutePath()));
      if (partialFile != null) {
        j.put("partial", partialFile.toAbsolutePath());
      }
      System.out.println(j);
      return;
    }
    System.out.print(EvalSummary.text(r, crops, labels));
    if (!Double.isNaN(r.waitSeconds())) {
      System.out.println(timeLine(r, data.workers));
    }
    System.out.println("confusion matrix: " + dir.resolve("confusion.csv")
        + (png ? " and " + dir.resolve("confusion.png") : ""));
    if (partialFile != null) {
      System.out.println("shard counts saved to " + partialFile
          + "; merge all shards with eval --merge");
    }
    report.ifPresent(p -> System.out.println("report: " + p.toAbsolutePath()));
  }

  /**
   * Where the time went: the model waiting for decoded images means decoding is the limit (the
   * wait for the first batch is always there), and more decoding threads help if cores are idle.
   */
  static String timeLine(EvalResult r, int workers) {
    String line = String.format(Locale.ROOT, "time: %.1f s, of which %.1f s waiting for decoded"
        + " images", r.seconds(), r.waitSeconds());
    if (r.waitSeconds() > 0.25 * r.seconds() && r.seconds() > 5) {
      line += String.format(Locale.ROOT, " (decoding limits the speed: if the machine has idle"
          + " cores, try --workers %d)", 2 * Math.max(1, workers));
    }
    return line;
  }

  static int[] parseShard(String s) {
    String[] p = s.split("/");
    try {
      if (p.length == 2) {
        int i = Integer.parseInt(p[0].trim()), n = Integer.parseInt(p[1].trim());
        if (n >= 1 && i >= 0 && i < n) {
          return new int[] {i, n};
        }
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException("--shard takes I/N with 0 <= I < N, e.g. 0/4; got '" + s
        + "'");
  }
}
