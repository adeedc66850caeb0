package io.alexnet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code alexnet spark eval|features}: listed here so that {@code alexnet --help} shows it. The
 * launcher runs it from the spark module's jar, with Spark beside it (this jar stays without
 * Spark), before this program starts.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = "eval and features as Apache Spark jobs, embedded or on a cluster"
        + " (docs/spark.md): tools/alexnet spark eval|features --help.")
final class SparkCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalArgumentException("spark runs from the spark module's jar: use"
        + " tools/alexnet spark eval|features (it builds that jar and puts Spark beside it)");
  }
}
