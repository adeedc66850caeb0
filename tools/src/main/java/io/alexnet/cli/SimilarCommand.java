package io.alexnet.cli;

import io.alexnet.api.Features;
import io.alexnet.api.Model;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.data.ImageFiles;
import io.alexnet.data.Subset;
import io.alexnet.eval.EvalOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "similar", mixinStandardHelpOptions = true,
    description = "For each query image, the index images whose fc7 activations are nearest in"
        + " Euclidean distance, as in the paper's Figure 4 (Section 6.1).")
final class SimilarCommand implements Callable<Integer> {

  @Mixin ModelSourceFlags source;

  @Mixin SessionFlags session;

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
    Dataset ix = Subset.first(DataSources.images(index), limit);
    Dataset q = ImageFiles.of(query);
    try (Model m = source.open(session)) {
      Features f = m.features(layer);
      ProgressBar bar = new ProgressBar("indexing");
      Features.Index found = f.index(ix, EvalOptions.DEFAULT, bar);
      Features.Index queries = f.index(q, EvalOptions.DEFAULT, bar.next("queries"));
      bar.done();
      for (int i = 0; i < queries.size(); i++) {
        System.out.println(queries.names().get(i) + ":");
        int rank = 1;
        for (Features.Index.Hit h : found.nearest(queries.rows().get(i), k, "")) {
          System.out.printf(Locale.ROOT, "  %d. %-50s distance %.3f%n", rank++, h.name(),
              h.distance());
        }
      }
    }
    return 0;
  }
}
