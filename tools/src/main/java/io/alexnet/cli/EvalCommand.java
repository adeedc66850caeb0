package io.alexnet.cli;

import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.report.ConfusionReport;
import io.alexnet.train.EvalResult;
import io.alexnet.train.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Top-1 and top-5 error of a model on a dataset, per-class accuracy and the"
        + " confusion matrix (CSV and PNG).")
final class EvalCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "A SavedModel folder or a run folder.")
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

  @Option(names = "--workers", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--label-base", defaultValue = "1", description = "For TFRecords.")
  int labelBase;

  @Option(names = "--out", description = "Where confusion.csv/.png go. Default: the model folder.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--trust", description = "Load a SavedModel even with unexpected ops.")
  boolean trust;

  @Override
  public Integer call() throws Exception {
    if (data.equals(DataSources.FASHION_MNIST)) {
      FashionMnistInstall.ensure();
    }
    try (LoadedModel m = LoadedModel.open(model, trust)) {
      Dataset d = Subset.first(DataSources.open(data, true, m.labels.size(), labelBase), limit);
      if (!json) {
        System.out.println("model: " + m.description);
        System.out.println("data:  " + d.describe());
      }
      long start = System.nanoTime();
      int[] shown = {0};
      EvalResult r = Evaluator.evaluate(m.classifier, d, m.pre, batch, workers, crops, done -> {
        // A line per tenth of the set, so a long evaluation shows it is moving.
        if (!json && done * 10L / Math.max(1, d.size()) > shown[0]) {
          shown[0] = (int) (done * 10L / d.size());
          double secs = (System.nanoTime() - start) / 1e9;
          System.out.printf(Locale.ROOT, "  %d/%d images, %.1f images/s%n", done, d.size(),
              done / secs);
        }
      });
      Path dir = out != null ? out : model;
      Files.createDirectories(dir);
      ConfusionReport.writeCsv(r, m.labels, dir.resolve("confusion.csv"));
      boolean png = ConfusionReport.writePng(r, m.labels, dir.resolve("confusion.png"));
      double[] acc = r.perClassAccuracy();
      if (json) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
            "{\"examples\":%d,\"skipped\":%d,\"crops\":%d,\"top1_error\":%.6f,\"top5_error\":%.6f,"
                + "\"images_per_second\":%.2f,\"per_class_accuracy\":{", r.examples(), r.bad(),
            crops, r.top1Error(), r.top5Error(), r.imagesPerSecond()));
        for (int c = 0; c < acc.length; c++) {
          sb.append(c == 0 ? "" : ",").append('"').append(name(m, c).replace("\"", "\\\""))
              .append("\":").append(Double.isNaN(acc[c]) ? "null"
                  : String.format(Locale.ROOT, "%.6f", acc[c]));
        }
        sb.append(String.format("},\"confusion_csv\":\"%s\"}", dir.resolve("confusion.csv")));
        System.out.println(sb);
      } else {
        System.out.printf(Locale.ROOT, "%d images (%d unreadable skipped), %d crop%s: top-1 error"
            + " %.4f, top-5 error %.4f, %.1f images/s%n", r.examples(), r.bad(), crops,
            crops == 1 ? "" : "s", r.top1Error(), r.top5Error(), r.imagesPerSecond());
        for (int c = 0; c < acc.length; c++) {
          System.out.printf(Locale.ROOT, "  %-20s %s%n", name(m, c),
              Double.isNaN(acc[c]) ? "(no examples)" : String.format(Locale.ROOT, "%.4f", acc[c]));
        }
        System.out.println("confusion matrix: " + dir.resolve("confusion.csv")
            + (png ? " and " + dir.resolve("confusion.png") : ""));
      }
    }
    return 0;
  }

  private static String name(LoadedModel m, int c) {
    return c < m.labels.size() ? m.labels.get(c) : Integer.toString(c);
  }
}
