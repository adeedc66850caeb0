package io.alexnet.cli;

import io.alexnet.api.ModelSource;
import io.alexnet.data.Dataset;
import io.alexnet.data.ImageFiles;
import io.alexnet.data.Preprocessor;
import io.alexnet.features.FeatureExtractor;
import io.alexnet.features.Nearest;
import io.alexnet.data.Subset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "similar", mixinStandardHelpOptions = true,
    description = "For each query image, the index images whose fc7 activations are nearest in"
        + " Euclidean distance, as in the paper's Figure 4 (Section 6.1).")
final class SimilarCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL_DIR")
  Path model;

  @Option(names = "--index", required = true, arity = "1..*", paramLabel = "DIR|FILES",
      description = "The images to search: a folder (of class sub-folders, or of images) or"
          + " files.")
  List<Path> index;

  @Option(names = "--query", required = true, arity = "1..*", paramLabel = "IMAGE")
  List<Path> query;

  @Option(names = "--k", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--index-images", defaultValue = "0",
      description = "Search only the first N index images (0: all).")
  int limit;

  @Option(names = "--layer", defaultValue = "fc7", description = "Default: ${DEFAULT-VALUE}.")
  String layer;

  @Override
  public Integer call() throws Exception {
    ModelSource src = ModelSource.open(model);
    Preprocessor pre = src.settings().preprocessor();
    Dataset ix = Subset.first(FeaturesCommand.open(index), limit);
    Dataset q = ImageFiles.of(query);
    try (FeatureExtractor fx = new FeatureExtractor(src.settings().model(), src.prefix(),
        layer)) {
      List<String> ixNames = new ArrayList<>();
      List<float[]> ixRows = rows(fx, ix, pre, ixNames, "indexing");
      List<String> qNames = new ArrayList<>();
      List<float[]> qRows = rows(fx, q, pre, qNames, "queries");
      for (int i = 0; i < qRows.size(); i++) {
        System.out.println(qNames.get(i) + ":");
        int rank = 1;
        for (Nearest.Hit h : Nearest.of(qRows.get(i), ixRows, k)) {
          System.out.printf(Locale.ROOT, "  %d. %-50s distance %.3f%n", rank++,
              ixNames.get(h.row()), h.distance());
        }
      }
    }
    return 0;
  }

  /** One row of features per readable image, its name added to {@code names}. */
  private static List<float[]> rows(FeatureExtractor fx, Dataset d, Preprocessor pre,
      List<String> names, String what) throws IOException {
    List<float[]> out = new ArrayList<>();
    fx.extract(d, pre, 32, 2, what, (rowNames, labels, values) -> {
      for (int i = 0; i < rowNames.length; i++) {
        out.add(Arrays.copyOfRange(values, i * fx.columns(), (i + 1) * fx.columns()));
        names.add(rowNames[i]);
      }
    });
    return out;
  }
}
