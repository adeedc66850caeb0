package io.alexnet.cli;

import io.alexnet.api.Features;
import io.alexnet.api.Model;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.eval.EvalOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = {"Write one layer's activations for each image, one row per image:"
        + " FILE.npy (NumPy's format; the file names and labels go to FILE.npy.tsv beside it)"
        + " or FILE.csv (name and label first).",
        "Unreadable images are skipped and counted."})
final class FeaturesCommand implements Callable<Integer> {

  @Mixin ModelSourceFlags source;

  @Mixin DataFlags data;

  @Mixin SessionFlags session;

  @Option(names = "--layer", defaultValue = "fc7",
      description = "fc7, fc6, pool5 (or any row of `summary`). Default: ${DEFAULT-VALUE}.")
  String layer;

  @Option(names = "--out", required = true, paramLabel = "FILE.npy|FILE.csv")
  Path out;

  @Override
  public Integer call() throws Exception {
    EvalOptions options = data.evalOptions(1);
    Dataset d = data.images();
    try (Model m = source.open(session)) {
      Features f = m.features(layer);
      System.out.printf(Locale.ROOT, "%s: %d features per image from %s, %s%n", layer,
          f.width(), m.description(), d.describe());
      long start = System.nanoTime();
      ProgressBar bar = new ProgressBar(layer);
      Features.Count done = f.write(d, out, options, bar);
      bar.done();
      double secs = (System.nanoTime() - start) / 1e9;
      boolean npy = !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
      System.out.printf(Locale.ROOT, "wrote %d rows to %s%s (%d unreadable images skipped),"
          + " %.1f images/s%n", done.rows(), out,
          npy ? " and names to " + Features.namesFile(out) : "", done.skipped(),
          done.rows() / Math.max(secs, 1e-9));
    }
    return 0;
  }
}
