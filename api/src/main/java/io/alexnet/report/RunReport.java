package io.alexnet.report;

import io.alexnet.api.AlexNetException;
import io.alexnet.api.Features;
import io.alexnet.api.Model;
import io.alexnet.data.BadExampleException;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.eval.EvalListener;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.io.AtomicFiles;
import io.alexnet.logs.TrainingPlot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * One self-contained {@code report.html} about a model: its configuration and summary, its
 * training curves, its errors with 95% intervals and throughput, the confusion matrix with
 * per-class precision and recall, the images it gets most confidently wrong and right, conv1's
 * kernels per tower (the paper's Figure 3), and nearest neighbours by fc7 (Figure 4). Every
 * image is inlined; the page needs no network and no script.
 *
 * <p>The numbers and the picks come from an evaluation's own pass ({@link ReportCollector}
 * listens to it); the report itself runs the network only over a few query images and the
 * images it searches for their neighbours.
 */
public final class RunReport {
  /**
   * How much a report looks at and shows.
   *
   * @param examples images evaluated when the report makes its own pass (0: all)
   * @param indexImages images searched for neighbours at most
   * @param grid images in each of the wrong and right grids
   * @param queries images whose neighbours are shown
   * @param neighbours neighbours shown per query
   */
  public record Options(int examples, int indexImages, int grid, int queries, int neighbours) {
    /** What {@code tools/alexnet report} looks at by default. */
    public static final Options DEFAULT = new Options(2000, 1000, 12, 4, 5);

    /**
     * For the report that closes an evaluation of {@code evaluated} images: the neighbour
     * search costs an eighth of the evaluation at most, so the report adds little to its time.
     *
     * @param evaluated the images the evaluation looked at
     * @return options that search at most an eighth as many images for neighbours
     */
    public static Options closing(int evaluated) {
      return new Options(evaluated, Math.min(DEFAULT.indexImages(),
          Math.max(DEFAULT.grid(), evaluated / 8)), DEFAULT.grid(), DEFAULT.queries(),
          DEFAULT.neighbours());
    }
  }

  /**
   * An evaluation a report shows: its numbers, its crops, and what its pass collected.
   *
   * @param result the evaluation's numbers
   * @param crops 1 or 10
   * @param seen what the evaluation's pass collected
   * @param data the images it evaluated, for the thumbnails and the queries
   */
  public record Evaluation(EvalResult result, int crops, ReportCollector seen, Dataset data) {}

  private RunReport() {}

  /**
   * The images a model was trained on, when its run names data that can be opened here (the
   * neighbours are searched among them, as in the paper's Figure 4).
   *
   * @param model a trained model
   * @return its training images, or empty when they are not at hand
   */
  public static Optional<Dataset> trainingData(Model model) {
    String own = model.settings().getOrDefault("data", "");
    if (own.isEmpty() || own.equals("none")
        || !(own.equals(DataSources.FASHION_MNIST) || Files.exists(Path.of(own)))) {
      return Optional.empty();
    }
    try {
      return Optional.of(DataSources.open(own, false, model.config().classes(), 1));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The evaluation data of the model's own run (the test split, where its data has one).
   *
   * @param model a trained model
   * @return its data's evaluation split
   * @throws AlexNetException if the run names no data, or the data cannot be opened
   */
  public static Dataset ownData(Model model) {
    String own = model.settings().getOrDefault("data", "");
    if (own.isEmpty() || own.equals("none")) {
      throw new AlexNetException(model.path() + " does not say what data it was trained on:"
          + " name the images to look at");
    }
    try {
      return DataSources.open(own, true, model.config().classes(), 1);
    } catch (IOException | IllegalArgumentException e) {
      throw new AlexNetException("cannot open " + own + ", the data " + model.path()
          + " was trained on: " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates {@code model} on the first {@code opt.examples()} images of {@code examples}
   * (central crops), collecting what a report shows; {@code progress} hears the pass.
   *
   * @param model the model
   * @param examples labelled images
   * @param opt how many to look at, how many picks to keep
   * @param progress told the progress
   * @return the evaluation, with what its pass collected
   */
  public static Evaluation evaluate(Model model, Dataset examples, Options opt,
      EvalListener progress) {
    Dataset data = opt.examples() <= 0 ? examples : Subset.first(examples, opt.examples());
    ReportCollector seen = new ReportCollector(opt.grid());
    EvalResult r = model.evaluate(data, EvalOptions.DEFAULT, new EvalListener() {
      @Override
      public void batch(int[] indices, int[] labels, float[] probabilities, int n) {
        seen.batch(indices, labels, probabilities, n);
      }

      @Override
      public void progress(int done, int total) {
        progress.progress(done, total);
      }
    });
    return new Evaluation(r, 1, seen, data);
  }

  /**
   * {@link #evaluate}, then {@link #write} the report of that evaluation to {@code out}; {@code
   * progress} hears both passes (the evaluation's, then the neighbour search's).
   *
   * @param model the model
   * @param examples labelled images
   * @param index images to search for neighbours
   * @param opt how much to look at and show
   * @param out the page to write
   * @param progress told the progress of both passes
   * @return {@code out}
   */
  public static Path evaluateAndWrite(Model model, Dataset examples, Optional<Dataset> index,
      Options opt, Path out, EvalListener progress) {
    return write(model, evaluate(model, examples, opt, progress), index, opt, out, progress);
  }

  /**
   * Writes the report of {@code eval}, an evaluation of {@code model} whose pass {@code
   * eval.seen()} listened to, with neighbours among {@code index} (say, the training images).
   * The run's training curves are drawn afresh from its logs where it has them.
   *
   * @param model the model
   * @param eval the evaluation to show
   * @param index images to search for neighbours
   * @param opt how much to show
   * @param out the page to write (under a temporary name, then renamed)
   * @param progress told the progress of the neighbour search
   * @return {@code out}
   * @throws AlexNetException if the page cannot be written
   */
  public static Path write(Model model, Evaluation eval, Optional<Dataset> index, Options opt,
      Path out, EvalListener progress) {
    try {
      String page = page(model, eval, index, opt, progress);
      Files.createDirectories(out.toAbsolutePath().getParent());
      AtomicFiles.writeFile(out, tmp -> Files.writeString(tmp, page, StandardCharsets.UTF_8));
      return out;
    } catch (IOException e) {
      throw new AlexNetException("could not write " + out + ": " + e.getMessage(), e);
    }
  }

  private static String page(Model model, Evaluation eval, Optional<Dataset> index,
      Options opt, EvalListener progress) throws IOException {
    List<String> labels = model.labels();
    boolean bgr = model.preprocessor().channelOrder() == ChannelOrder.BGR;
    EvalResult errors = eval.result();
    Html h = new Html("AlexNet report: " + model.path());
    h.section("configuration", "Configuration");
    h.table(model.settings(), "setting", "value");
    h.section("summary", "Model summary");
    h.pre(model.summary());
    h.section("curves", "Training curves");
    Optional<Path> curves = curves(model);
    if (curves.isPresent()) {
      h.img(Pictures.dataUri(ImageIO.read(curves.get().toFile())), "training curves");
    } else {
      h.p("No training curves: the model's folder holds no " + TrainingPlot.FILE
          + " (an imported model, an export, or a run trained without its logs).");
    }
    h.section("errors", "Errors and throughput");
    double[] ci1 = Findings.wilson95(errors.top1Error(), errors.examples());
    double[] ci5 = Findings.wilson95(errors.top5Error(), errors.examples());
    h.p(String.format(Locale.ROOT, "%,d images (%d crop%s): top-1 error %.4f (95%% interval"
        + " %.4f to %.4f), top-5 error %.4f (%.4f to %.4f); %.1f images/s.", errors.examples(),
        eval.crops(), eval.crops() == 1 ? "" : "s", errors.top1Error(), ci1[0], ci1[1],
        errors.top5Error(), ci5[0], ci5[1], errors.imagesPerSecond()));
    h.section("confusion", "Confusion matrix");
    confusion(h, errors.confusion(), labels);
    h.section("mistakes", "Most confidently wrong");
    picks(h, eval.seen().mostConfidentlyWrong(), eval.data(), labels, "mistake");
    h.section("correct", "Most confidently right");
    picks(h, eval.seen().mostConfidentlyRight(), eval.data(), labels, "correct");
    h.section("kernels", "conv1 kernels");
    h.p("Each tower's kernels, each stretched to the full colour range on its own. In the"
        + " paper (Section 6.1, Figure 3) one GPU's came out largely colour-agnostic and the"
        + " other's colour-specific.");
    List<String> towers = model.config().variant().towers() == 1 ? List.of("conv1/weights")
        : List.of("conv1/A/weights", "conv1/B/weights");
    for (int t = 0; t < towers.size(); t++) {
      String name = towers.size() == 1 ? "" : " of tower " + (char) ('A' + t);
      h.p(towers.size() == 1 ? "One tower" : "Tower " + (char) ('A' + t));
      h.img(Pictures.dataUri(Pictures.kernelGrid(model.variable(towers.get(t)), bgr, 4)),
          "conv1 kernels" + name);
    }
    if (index.isPresent() && opt.indexImages() > 0 && opt.queries() > 0) {
      neighbours(h, model, eval.data(), Subset.first(index.get(), opt.indexImages()), opt,
          labels, progress);
    }
    return h.end();
  }

  /** The run's training.png, drawn afresh from its logs. */
  private static Optional<Path> curves(Model model) throws IOException {
    if (model.runFolder().isEmpty()) {
      return Optional.empty();
    }
    Path run = model.runFolder().get();
    new TrainingPlot(run).draw();
    Path png = run.resolve(TrainingPlot.FILE);
    return Files.exists(png) ? Optional.of(png) : Optional.empty();
  }

  /**
   * A few evaluated images, spread over the set, with their nearest images of {@code index}
   * by fc7; an image is never its own neighbour.
   */
  private static void neighbours(Html h, Model model, Dataset data, Dataset index, Options opt,
      List<String> labels, EvalListener progress) {
    Features fc7 = model.features("fc7");
    Features.Index found = fc7.index(index, EvalOptions.DEFAULT, new Features.Listener() {
      @Override
      public void progress(int done, int total) {
        progress.progress(done, total);
      }
    });
    h.section("neighbours", "Nearest neighbours by fc7");
    h.p("For a few images, the " + opt.neighbours() + " of " + found.size() + " index images"
        + " whose fc7 activations are nearest in Euclidean distance (Section 6.1, Figure 4).");
    Preprocessor pre = model.preprocessor();
    int queries = Math.min(opt.queries(), data.size());
    for (int q = 0; q < queries; q++) {
      int at = (int) ((long) q * data.size() / queries);
      float[] x = new float[pre.crop() * pre.crop() * 3];
      int label;
      try {
        var ex = data.get(at);
        label = ex.label();
        pre.centralCropInto(ex.image(), x, 0);
      } catch (BadExampleException e) {
        continue; // counted by the evaluation already
      }
      h.open("div class=\"row\"");
      figure(h, data, at, "query: " + label(labels, label), "query");
      for (Features.Index.Hit hit : found.nearest(fc7.rows(x, 1), opt.neighbours(),
          data.name(at))) {
        int i = found.positions().get(hit.row());
        String caption;
        try {
          caption = String.format(Locale.ROOT, "%s<br>distance %.2f",
              Html.escape(label(labels, index.get(i).label())), hit.distance());
        } catch (BadExampleException e) {
          continue;
        }
        figure(h, index, i, caption, "neighbour");
      }
      h.close("div");
    }
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

  private static void picks(Html h, List<ReportCollector.Pick> picks, Dataset data,
      List<String> labels, String kind) {
    if (picks.isEmpty()) {
      h.p("none among the images looked at");
      return;
    }
    h.open("div class=\"row\"");
    for (ReportCollector.Pick p : picks) {
      figure(h, data, p.index(), String.format(Locale.ROOT,
          "true: %s<br>predicted: %s (%.3f)", Html.escape(label(labels, p.label())),
          Html.escape(label(labels, p.predicted())), p.probability()), kind);
    }
    h.close("div");
  }

  private static void figure(Html h, Dataset data, int index, String caption, String kind) {
    String uri;
    try {
      uri = Pictures.dataUri(Pictures.thumbnail(data.get(index).image(), 96));
    } catch (BadExampleException e) {
      return; // read once already; a file that changed since is left out
    }
    h.figure(uri, data.name(index), caption, kind);
  }

  static String label(List<String> labels, int c) {
    return c >= 0 && c < labels.size() ? labels.get(c) : Integer.toString(c);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
