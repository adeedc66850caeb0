package io.alexnet.cli;

import io.alexnet.api.ModelSource;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelConfig;
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
    ModelConfig config = saved == null ? model.config()
        : ModelSource.open(saved).settings().model().unpinned();
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, config, AlexNet.Mode.INFERENCE);
      System.out.print(ModelSummary.of(net));
    }
    if (saved != null) {
      System.out.println("LRN: " + config.lrn());
    }
    return 0;
  }
}
