package io.alexnet.cli;

import io.alexnet.api.AlexNetException;
import io.alexnet.api.Model;
import io.alexnet.api.Prediction;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Top-5 classes with probabilities for image files, with a run folder's model"
        + " (an imported one too) or a SavedModel, and the pre-processing it was trained with."
        + " An unreadable file is reported and skipped; the exit code is then 1.")
final class PredictCommand implements Callable<Integer> {

  @Mixin ModelSourceFlags source;

  @Mixin SessionFlags session;

  @Option(names = "--k", defaultValue = "5", description = "Classes per image. Default:"
      + " ${DEFAULT-VALUE}.")
  int k;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
  List<Path> images;

  @Override
  public Integer call() {
    int failed = 0;
    try (Model m = source.open(session)) {
      for (Path p : images) {
        List<Prediction> top;
        try {
          top = m.predict(p, k);
        } catch (AlexNetException e) {
          System.err.println(e.getMessage()); // it names the file
          failed++;
          continue;
        }
        System.out.println(p + ":");
        for (int j = 0; j < top.size(); j++) {
          System.out.printf(Locale.ROOT, "  %d. %-20s %.4f%n", j + 1, top.get(j).label(),
              top.get(j).probability());
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
