package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.graph.ModelSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print the network layer by layer: output shape, parameters, multiply-adds,"
        + " device; then totals. The network of the flags, or of a run or SavedModel (--model).")
final class SummaryCommand implements Callable<Integer> {

  @Mixin NetworkFlags network;

  @Mixin ModelSourceFlags source;

  @Mixin SessionFlags session;

  @Override
  public Integer call() throws Exception {
    if (source.model != null) {
      try (Model m = source.open(session)) {
        System.out.print(m.summary());
        System.out.println("LRN: " + m.config().lrn());
      }
      return 0;
    }
    System.out.print(ModelSummary.of(network.config()));
    return 0;
  }
}
