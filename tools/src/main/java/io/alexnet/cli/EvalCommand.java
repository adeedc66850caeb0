package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.data.DataSources;
import io.alexnet.report.ProgressBar;
import io.alexnet.runreport.RunReport;
import java.util.Optional;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.eval.ConfusionReport;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.EvalShard;
import io.alexnet.eval.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Top-1 and top-5 error of a model on a dataset, per-class accuracy and the"
        + " confusion matrix (CSV and PNG). A large set can be split over machines: each runs"
        + " --shard I/N --partial FILE, then --merge FILE... gives the whole set's numbers.")
final class EvalCommand implements Callable<Integer> {

  @Option(names = "--model", description = "A SavedModel folder or a run folder.")
  Path model;

  @Option(names = "--data", defaultValue = "fashion-mnist",
      description = "Same kinds as train --data; for IDX data the test split is used."
          + " Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--crops", defaultValue = "1",
      description = "1 (central crop) or 10 (the paper's corners + centre, flipped, averaged).")
  int crops;

  @Option(names = "--batch", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--limit", defaultValue = "0", description = "First N examples only (0: all).")
  int limit;

  @Option(names = "--workers", defaultValue = "2",
      description = "Threads that decode and pre-process images. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--label-base", defaultValue = "1", description = "For TFRecords.")
  int labelBase;

  @Option(names = "--out", description = "Where confusion.csv/.png go. Default: the model folder.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--no-report", negatable = true, defaultValue = "true",
      description = "Also write report.html (looks again at the first 1,000 images).")
  boolean htmlReport;

  @Option(names = "--trust", description = "Load a SavedModel even with unexpected ops.")
  boolean trust;

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
    if (model == null) {
      throw new IllegalArgumentException("--model is required (or --merge to combine shards)");
    }
    if (partial != null && shard == null) {
      throw new IllegalArgumentException("--partial saves a shard's counts: give --shard I/N");
    }
    if (data.equals(DataSources.FASHION_MNIST)) {
      FashionMnistInstall.ensure();
    }
    int[] part = shard == null ? new int[] {0, 1} : parseShard(shard);
    EvalResult r;
    Path dir = out != null ? out : model;
    try (Model m = Model.load(model, trust)) {
      Dataset d = Subset.shard(
          Subset.first(DataSources.open(data, true, m.labels().size(), labelBase), limit),
          part[0], part[1]);
      if (!json) {
        System.out.println("model: " + m.description());
        System.out.println("data:  " + d.describe());
      }
      // A bar in a terminal, a line per tenth elsewhere: a long evaluation shows it moves.
      ProgressBar bar = json ? null : new ProgressBar(System.out, "eval", d.size());
      r = Evaluator.evaluate(m.classifier(), d, m.preprocessor(), batch, workers, crops, done -> {
        if (bar != null) {
          bar.update(done);
        }
      });
      if (bar != null) {
        bar.done();
      }
      if (partial != null) {
        new EvalShard(part[0], part[1], crops, m.description(), data, m.labels(), r).save(partial);
        if (!json) {
          System.out.println("shard " + part[0] + "/" + part[1] + " counts saved to " + partial
              + "; merge all shards with eval --merge");
        }
      }
      report(r, crops, m.labels(), dir);
    }
    if (shard == null) {
      saveNumbers(r, dir);
      if (htmlReport) {
        // Its own pass over the first images (the grids and neighbours need their pictures
        // and fc7), headed by this evaluation's numbers.
        try {
          Path page = ReportCommand.write(model, data, null,
              Optional.of(new RunReport.EvalNumbers(r, crops)), RunReport.Options.CLOSING,
              dir.resolve("report.html"));
          if (!json) {
            System.out.println("report: " + page.toAbsolutePath());
          }
        } catch (IllegalArgumentException e) {
          System.err.println("no report.html: " + e.getMessage());
        }
      }
    }
    return 0;
  }

  /** The numbers {@code report EVAL_OUT} needs later, beside confusion.csv. */
  private void saveNumbers(EvalResult r, Path dir) throws java.io.IOException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("model", model.toAbsolutePath().toString());
    p.setProperty("data", data);
    p.setProperty("crops", Integer.toString(crops));
    p.setProperty("examples", Integer.toString(r.examples()));
    p.setProperty("skipped", Integer.toString(r.bad()));
    p.setProperty("top1_error", Double.toString(r.top1Error()));
    p.setProperty("top5_error", Double.toString(r.top5Error()));
    p.setProperty("seconds", Double.toString(r.seconds()));
    try (var w = Files.newBufferedWriter(dir.resolve(ReportCommand.EVAL_PROPERTIES))) {
      p.store(w, "alexnet eval");
    }
  }

  private int merged() throws Exception {
    if (model != null || shard != null || partial != null) {
      throw new IllegalArgumentException("--merge combines saved shards: it takes no --model,"
          + " --shard or --partial");
    }
    List<EvalShard> shards = new java.util.ArrayList<>();
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
    report(r, shards.get(0).crops(), shards.get(0).labels(),
        out != null ? out : merge.get(0).toAbsolutePath().getParent());
    return 0;
  }

  private void report(EvalResult r, int crops, List<String> labels, Path dir)
      throws java.io.IOException {
    Files.createDirectories(dir);
    ConfusionReport.writeCsv(r, labels, dir.resolve("confusion.csv"));
    boolean png = ConfusionReport.writePng(r, labels, dir.resolve("confusion.png"));
    double[] acc = r.perClassAccuracy();
    if (json) {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT,
          "{\"examples\":%d,\"skipped\":%d,\"crops\":%d,\"top1_error\":%.6f,\"top5_error\":%.6f,"
              + "\"images_per_second\":%.2f,\"seconds\":%.3f,\"data_wait_seconds\":%s,"
              + "\"per_class_accuracy\":{", r.examples(), r.bad(), crops, r.top1Error(),
          r.top5Error(), r.imagesPerSecond(), r.seconds(), Double.isNaN(r.waitSeconds()) ? "null"
              : String.format(Locale.ROOT, "%.3f", r.waitSeconds())));
      for (int c = 0; c < acc.length; c++) {
        sb.append(c == 0 ? "" : ",").append('"').append(name(labels, c).replace("\"", "\\\""))
            .append("\":").append(Double.isNaN(acc[c]) ? "null"
                : String.format(Locale.ROOT, "%.6f", acc[c]));
      }
      sb.append(String.format("},\"confusion_csv\":\"%s\"}", dir.resolve("confusion.csv")));
      System.out.println(sb);
    } else {
      System.out.printf(Locale.ROOT, "%d images (%d unreadable skipped), %d crop%s: top-1 error"
          + " %.4f, top-5 error %.4f, %.1f images/s%n", r.examples(), r.bad(), crops,
          crops == 1 ? "" : "s", r.top1Error(), r.top5Error(), r.imagesPerSecond());
      if (!Double.isNaN(r.waitSeconds())) {
        System.out.println(timeLine(r, workers));
      }
      for (int c = 0; c < acc.length; c++) {
        System.out.printf(Locale.ROOT, "  %-20s %s%n", name(labels, c),
            Double.isNaN(acc[c]) ? "(no examples)" : String.format(Locale.ROOT, "%.4f", acc[c]));
      }
      System.out.println("confusion matrix: " + dir.resolve("confusion.csv")
          + (png ? " and " + dir.resolve("confusion.png") : ""));
    }
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

  private static String name(List<String> labels, int c) {
    return c < labels.size() ? labels.get(c) : Integer.toString(c);
  }
}
