package io.alexnet.runreport;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.Dataset;
import io.alexnet.io.AtomicFiles;
import io.alexnet.graph.HostArray;
import io.alexnet.report.TrainingPlot;
import io.alexnet.eval.EvalResult;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * One self-contained {@code report.html} about a model: its configuration and summary, its
 * training curves, its errors with 95% intervals and throughput, the confusion matrix with
 * per-class precision and recall, the images it gets most confidently wrong and right, conv1's
 * kernels per tower (the paper's Figure 3), and nearest neighbours by fc7 (Figure 4). Every
 * image is inlined; the page needs no network and no script.
 */
public final class RunReport {
  /** How much of the data a report looks at, and how much it shows. */
  public record Options(int examples, int indexImages, int grid, int queries, int neighbours) {
    public static final Options DEFAULT = new Options(2000, 1000, 12, 4, 5);
    /** At the end of train and eval: half as much, to add little to their time. */
    public static final Options CLOSING = new Options(1000, 500, 12, 4, 5);
  }

  /** The numbers of a finished evaluation, shown instead of the report's own pass's. */
  public record EvalNumbers(EvalResult result, int crops) {}

  private RunReport() {}

  /**
   * Writes the report of the model in {@code settings} (a run folder, or a SavedModel's
   * assets) with weights {@code prefix}, on {@code examples} (labelled) and, for the
   * neighbours, {@code index} (say, the training images). {@code curves}: the run's
   * training.png, if there is one.
   */
  public static Path write(String title, RunDir settings, Path prefix, Dataset examples,
      Optional<Dataset> index, Optional<Path> curves, Optional<EvalNumbers> eval,
      Options opt, Path out) throws IOException {
    List<String> labels = settings.labels();
    int classes = settings.model().classes();
    boolean bgr = settings.channelOrder() == ChannelOrder.BGR;
    List<ModelPass.Seen> seen, indexSeen = List.of();
    List<HostArray> kernels;
    String summary;
    long start = System.nanoTime();
    double passSeconds;
    try (ModelPass pass = new ModelPass(settings.model(), prefix, settings.preprocessor())) {
      seen = pass.run(examples, opt.examples(), 32, "report: classifying");
      passSeconds = (System.nanoTime() - start) / 1e9;
      if (index.isPresent()) {
        indexSeen = pass.run(index.get(), opt.indexImages(), 32, "report: indexing fc7");
      }
      kernels = pass.conv1Kernels();
      summary = pass.summary();
    }
    EvalResult errors = eval.map(EvalNumbers::result)
        .orElse(Findings.errors(seen, classes, passSeconds));
    Html h = new Html(title);
    h.section("configuration", "Configuration");
    h.table(properties(settings), "setting", "value");
    h.section("summary", "Model summary");
    h.pre(summary);
    h.section("curves", "Training curves");
    if (curves.isPresent() && Files.exists(curves.get())) {
      h.img(Pictures.dataUri(ImageIO.read(curves.get().toFile())), "training curves");
    } else {
      h.p("No training curves: the model's folder holds no " + TrainingPlot.FILE
          + " (an imported model, or a run trained without its logs).");
    }
    h.section("errors", "Errors and throughput");
    double[] ci1 = Findings.wilson95(errors.top1Error(), errors.examples());
    double[] ci5 = Findings.wilson95(errors.top5Error(), errors.examples());
    h.p(String.format(Locale.ROOT, "%,d images%s: top-1 error %.4f (95%% interval %.4f to"
        + " %.4f), top-5 error %.4f (%.4f to %.4f); %.1f images/s.", errors.examples(),
        eval.map(e -> " (the evaluation's, " + e.crops() + " crop" + (e.crops() == 1 ? "" : "s")
            + ")").orElse(" (the first images of the data)"), errors.top1Error(), ci1[0], ci1[1],
        errors.top5Error(), ci5[0], ci5[1], errors.imagesPerSecond()));
    h.section("confusion", "Confusion matrix");
    confusion(h, errors.confusion(), labels);
    h.section("mistakes", "Most confidently wrong");
    picks(h, Findings.mostConfidentlyWrong(seen, opt.grid()), examples, labels, "mistake");
    h.section("correct", "Most confidently right");
    picks(h, Findings.mostConfidentlyRight(seen, opt.grid()), examples, labels, "correct");
    h.section("kernels", "conv1 kernels");
    h.p("Each tower's kernels, each stretched to the full colour range on its own. In the"
        + " paper (Section 6.1, Figure 3) one GPU's came out largely colour-agnostic and the"
        + " other's colour-specific.");
    for (int t = 0; t < kernels.size(); t++) {
      h.p(kernels.size() == 1 ? "One tower" : "Tower " + (char) ('A' + t));
      h.img(Pictures.dataUri(Pictures.kernelGrid(kernels.get(t), bgr, 4)),
          "conv1 kernels" + (kernels.size() == 1 ? "" : " of tower " + (char) ('A' + t)));
    }
    if (!indexSeen.isEmpty()) {
      h.section("neighbours", "Nearest neighbours by fc7");
      h.p("For a few images, the " + opt.neighbours() + " of " + indexSeen.size() + " index"
          + " images whose fc7 activations are nearest in Euclidean distance (Section 6.1,"
          + " Figure 4).");
      List<ModelPass.Seen> queries = spread(seen, opt.queries());
      for (Findings.Neighbours n : Findings.nearest(queries, indexSeen, opt.neighbours())) {
        h.open("div class=\"row\"");
        figure(h, examples, n.query(), "query: " + label(labels, n.query().label()), "query");
        for (int i = 0; i < n.nearest().size(); i++) {
          ModelPass.Seen s = n.nearest().get(i);
          figure(h, index.get(), s, String.format(Locale.ROOT, "%s<br>distance %.2f",
              Html.escape(label(labels, s.label())), n.distances().get(i)), "neighbour");
        }
        h.close("div");
      }
    }
    String page = h.end();
    Files.createDirectories(out.toAbsolutePath().getParent());
    AtomicFiles.writeFile(out, tmp -> Files.writeString(tmp, page, StandardCharsets.UTF_8));
    return out;
  }

  private static Map<String, String> properties(RunDir settings) throws IOException {
    Properties p = settings.properties();
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private static void confusion(Html h, long[][] m, List<String> labels) {
    double[][] pr = Findings.precisionRecall(m);
    if (m.length <= 30) {
      List<String> head = new ArrayList<>(List.of("true \\ predicted"));
      for (int c = 0; c < m.length; c++) {
        head.add(label(labels, c));
      }
      head.addAll(List.of("recall", "precision"));
      List<List<String>> rows = new ArrayList<>();
      for (int r = 0; r < m.length; r++) {
        List<String> row = new ArrayList<>(List.of(label(labels, r)));
        for (long v : m[r]) {
          row.add(Long.toString(v));
        }
        row.add(fmt(pr[r][1]));
        row.add(fmt(pr[r][0]));
        rows.add(row);
      }
      h.grid(head, rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (int c = 0; c < m.length; c++) {
        rows.add(List.of(label(labels, c), fmt(pr[c][1]), fmt(pr[c][0])));
      }
      h.p(m.length + " classes: the matrix itself is in confusion.csv (eval writes it);"
          + " here each class's recall and precision.");
      h.grid(List.of("class", "recall", "precision"), rows);
    }
  }

  private static void picks(Html h, List<Findings.Pick> picks, Dataset data,
      List<String> labels, String kind) throws IOException {
    if (picks.isEmpty()) {
      h.p("none among the images looked at");
      return;
    }
    h.open("div class=\"row\"");
    for (Findings.Pick p : picks) {
      figure(h, data, p.seen(), String.format(Locale.ROOT, "true: %s<br>predicted: %s (%.3f)",
          Html.escape(label(labels, p.seen().label())), Html.escape(label(labels, p.predicted())),
          p.probability()), kind);
    }
    h.close("div");
  }

  private static void figure(Html h, Dataset data, ModelPass.Seen s, String caption,
      String kind) {
    String uri;
    try {
      uri = Pictures.dataUri(Pictures.thumbnail(data.get(s.index()).image(), 96));
    } catch (BadExampleException e) {
      return; // read once already; a file that changed since is left out
    }
    h.figure(uri, data.name(s.index()), caption, kind);
  }

  /** {@code n} images spread evenly over the list. */
  static List<ModelPass.Seen> spread(List<ModelPass.Seen> seen, int n) {
    List<ModelPass.Seen> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, seen.size()); i++) {
      out.add(seen.get((int) ((long) i * seen.size() / Math.min(n, seen.size()))));
    }
    return out;
  }

  static String label(List<String> labels, int c) {
    return c >= 0 && c < labels.size() ? labels.get(c) : Integer.toString(c);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
