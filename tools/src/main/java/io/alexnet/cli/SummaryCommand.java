package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print the network layer by layer: output shape, parameters, multiply-adds,"
        + " device; then totals. The network of the flags, or of a run or SavedModel.")
final class SummaryCommand implements Callable<Integer> {

  @Mixin ModelOptions model;

  @Option(names = "--model", paramLabel = "RUN_DIR|MODEL_DIR",
      description = "Summarize this run's (an imported model's too) or SavedModel's network.")
  Path saved;

  @Override
  public Integer call() throws Exception {
    if (saved != null) {
      try (Model m = Model.load(saved)) {
        System.out.print(m.summary());
        System.out.println("LRN: " + m.config().lrn());
      }
      return 0;
    }
    try (Graph g = new Graph()) {
      System.out.print(ModelSummary.of(AlexNet.build(g, model.config(), AlexNet.Mode.INFERENCE)));
    }
    return 0;
  }
}
