package io.alexnet.cli;

import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelSummary;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print the network layer by layer: output shape, parameters, multiply-adds,"
        + " device; then totals.")
final class SummaryCommand implements Callable<Integer> {

  @Mixin ModelOptions model;

  @Override
  public Integer call() {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, model.config(), AlexNet.Mode.INFERENCE);
      System.out.print(ModelSummary.of(net));
    }
    return 0;
  }
}
