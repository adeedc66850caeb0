package io.alexnet.cli;

import io.alexnet.api.ModelSource;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.io.PropertiesFile;
import io.alexnet.report.TrainingPlot;
import io.alexnet.runreport.RunReport;
import io.alexnet.store.Checkpoints;
import io.alexnet.eval.EvalResult;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one self-contained report.html (images inlined, no network needed)"
        + " about a run or an evaluation: configuration, model summary, curves, errors with 95%"
        + " intervals, confusion with precision and recall, the most confidently wrong and right"
        + " images, conv1's kernels per tower, nearest neighbours by fc7.",
        "train and eval write one at the end too."})
final class ReportCommand implements Callable<Integer> {

  /** What eval leaves in its output folder for a later report. */
  static final String EVAL_PROPERTIES = "eval.properties";

  @Parameters(paramLabel = "RUN_DIR|EVAL_OUT") Path path;

  @Option(names = "--data", paramLabel = "DATA",
      description = "Labelled images to look at. Default: the run's data (its test split where"
          + " it has one), or the evaluation's.")
  String data;

  @Option(names = "--index", paramLabel = "DATA",
      description = "Images to find neighbours among. Default: the run's training data.")
  String index;

  @Option(names = "--examples", defaultValue = "2000",
      description = "Images of --data looked at (0: all). Default: ${DEFAULT-VALUE}.")
  int examples;

  @Option(names = "--index-images", defaultValue = "1000",
      description = "Images of --index searched. Default: ${DEFAULT-VALUE}.")
  int indexImages;

  @Option(names = "--out", description = "Default: PATH/report.html.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Path target = out != null ? out : path.resolve("report.html");
    RunReport.Options opt = new RunReport.Options(examples, indexImages,
        RunReport.Options.DEFAULT.grid(), RunReport.Options.DEFAULT.queries(),
        RunReport.Options.DEFAULT.neighbours());
    if (Files.exists(path.resolve(EVAL_PROPERTIES))) {
      Properties p = PropertiesFile.read(path.resolve(EVAL_PROPERTIES)).values();
      Path model = Path.of(p.getProperty("model"));
      String dataSpec = data != null ? data : p.getProperty("data");
      write(model, dataSpec, index, Optional.of(evalNumbers(p, path)), opt, target);
    } else if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
      write(path, data, index, Optional.empty(), opt, target);
    } else {
      throw new IllegalArgumentException(path + " is neither a run folder (" + RunDir.PROPERTIES
          + ") nor an evaluation's output (" + EVAL_PROPERTIES + ")");
    }
    System.out.println("report: " + target.toAbsolutePath());
    return 0;
  }

  /**
   * The report of {@code model} (a run or a SavedModel) on {@code dataSpec} (default: the
   * run's own data), neighbours among {@code indexSpec} (default: the run's training data).
   */
  static Path write(Path model, String dataSpec, String indexSpec,
      Optional<RunReport.EvalNumbers> eval, RunReport.Options opt, Path out) throws IOException {
    ModelSource src = ModelSource.open(model);
    RunDir settings = src.settings();
    String own = settings.properties().getProperty("data", "");
    String examplesSpec = dataSpec != null ? dataSpec : own;
    if (examplesSpec.isEmpty() || examplesSpec.equals("none")) {
      throw new IllegalArgumentException(model + " does not say what data it was trained on:"
          + " give --data");
    }
    int classes = settings.model().classes();
    Dataset examples = DataSources.open(examplesSpec, true, classes, 1);
    String ix = indexSpec != null ? indexSpec : own;
    Optional<Dataset> indexData = ix.isEmpty() || ix.equals("none") || !canOpen(ix)
        ? Optional.empty() : Optional.of(DataSources.open(ix, false, classes, 1));
    // Drawn afresh from the run's logs where it has them (charts of an older version, say).
    new TrainingPlot(settings.dir()).draw();
    Path curves = settings.dir().resolve(TrainingPlot.FILE);
    return RunReport.write("AlexNet report: " + model, settings, src.prefix(), examples,
        indexData, Optional.of(curves), eval, opt, out);
  }

  private static boolean canOpen(String spec) {
    return spec.equals(DataSources.FASHION_MNIST) || Files.exists(Path.of(spec));
  }

  /** An evaluation's numbers from its eval.properties and confusion.csv. */
  static RunReport.EvalNumbers evalNumbers(Properties p, Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("confusion.csv"));
    int n = lines.size() - 1;
    long[][] confusion = new long[n][n];
    for (int r = 0; r < n; r++) {
      String[] f = lines.get(r + 1).split(",");
      for (int c = 0; c < n; c++) {
        confusion[r][c] = Long.parseLong(f[f.length - n + c]);
      }
    }
    int examples = Integer.parseInt(p.getProperty("examples"));
    double top5 = Double.parseDouble(p.getProperty("top5_error"));
    EvalResult r = EvalResult.of(examples, Integer.parseInt(p.getProperty("skipped", "0")),
        Math.round((1 - top5) * examples), confusion,
        Double.parseDouble(p.getProperty("seconds")));
    return new RunReport.EvalNumbers(r, Integer.parseInt(p.getProperty("crops", "1")));
  }
}
