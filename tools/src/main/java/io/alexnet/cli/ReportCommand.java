package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.eval.EvalShard;
import io.alexnet.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one self-contained report.html (images inlined, no network needed)"
        + " about a model or an evaluation: configuration, model summary, curves, errors with 95%%"
        + " intervals, confusion with precision and recall, the most confidently wrong and right"
        + " images, conv1's kernels per tower, nearest neighbours by fc7.",
        "train and eval write one at the end too."})
final class ReportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RUN_DIR|MODEL_DIR|EVAL_OUT") Path path;

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

  @Mixin CheckpointFlags checkpoint;

  @Mixin SessionFlags session;

  @Override
  public Integer call() throws Exception {
    Path target = out != null ? out : path.resolve("report.html");
    RunReport.Options opt = new RunReport.Options(examples, indexImages,
        RunReport.Options.DEFAULT.grid(), RunReport.Options.DEFAULT.queries(),
        RunReport.Options.DEFAULT.neighbours());
    Path saved = path.resolve(EvalCommand.EVAL_PROPERTIES);
    // An evaluation's folder: its numbers as they were, its model and data looked at again.
    Optional<EvalShard> evaluation = Files.exists(saved) ? Optional.of(EvalShard.load(saved))
        : Optional.empty();
    Path modelPath = evaluation.map(e -> Path.of(e.model())).orElse(path);
    String dataSpec = data != null ? data : evaluation.map(EvalShard::data).orElse(null);
    ProgressBar bar = new ProgressBar("report: classifying");
    try (Model m = checkpoint.open(modelPath, session)) {
      Dataset looked = dataSpec != null ? open(dataSpec, true, m) : RunReport.ownData(m);
      Optional<Dataset> among = index != null ? Optional.of(open(index, false, m))
          : RunReport.trainingData(m);
      RunReport.Evaluation pass = RunReport.evaluate(m, looked, opt, bar);
      if (evaluation.isPresent()) {
        pass = new RunReport.Evaluation(evaluation.get().result(), evaluation.get().crops(),
            pass.seen(), pass.data());
      }
      RunReport.write(m, pass, among, opt, target, bar.next("report: neighbours"));
      bar.done();
    }
    System.out.println("report: " + target.toAbsolutePath());
    return 0;
  }

  private static Dataset open(String spec, boolean test, Model m) throws Exception {
    if (spec.equals(DataSources.FASHION_MNIST)) {
      FashionMnistInstall.ensure();
    }
    return DataSources.open(spec, test, m.config().classes(), 1);
  }
}
