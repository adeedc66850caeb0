package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.api.Prediction;
import io.alexnet.data.BadExampleException;
import io.alexnet.data.RgbImage;
import io.alexnet.export.ServingModel;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Top-5 classes with probabilities for image files: through a SavedModel's"
        + " classify_images signature (decoding and pre-processing inside the graph), or with a"
        + " run folder's model (an imported one too) and its pre-processing in Java.")
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "MODEL_DIR|RUN_DIR",
      description = "A SavedModel folder, or a run folder.")
  Path model;

  @Option(names = "--trust", description = "Load the SavedModel even with unexpected ops.")
  boolean trust;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
  List<Path> images;

  /** Probabilities for one encoded image. */
  private interface Scorer {
    float[] probabilities(byte[] encoded) throws BadExampleException;
  }

  @Override
  public Integer call() throws Exception {
    if (Files.exists(model.resolve(RunDir.PROPERTIES))) {
      try (Model m = Model.load(model, trust)) {
        return predict(m.labels(), bytes -> {
          float[] p = new float[m.labels().size()];
          for (Prediction top : m.predict(bytes, p.length)) {
            p[top.classId()] = top.probability();
          }
          return p;
        });
      }
    }
    try (ServingModel m = ServingModel.load(model, trust)) {
      return predict(m.labels(), bytes -> m.classify(List.of(bytes)).probabilities());
    }
  }

  private int predict(List<String> labels, Scorer scorer) {
    int failed = 0;
    for (Path p : images) {
      float[] probs;
      try {
        byte[] b = Files.readAllBytes(p);
        RgbImage.decode(b); // refuse non-images here, so one bad file does not fail the rest
        probs = scorer.probabilities(b);
      } catch (IOException e) {
        System.err.println(p + ": cannot read: " + e.getMessage());
        failed++;
        continue;
      } catch (BadExampleException e) {
        System.err.println(p + ": " + e.getMessage());
        failed++;
        continue;
      } catch (RuntimeException e) {
        System.err.println(p + ": TensorFlow could not decode it: " + e.getMessage());
        failed++;
        continue;
      }
      System.out.println(p + ":");
      float[] pr = probs;
      List<Integer> top = IntStream.range(0, pr.length).boxed()
          .sorted(Comparator.comparingDouble((Integer c) -> -pr[c])).limit(5).toList();
      for (int j = 0; j < top.size(); j++) {
        int c = top.get(j);
        String label = c < labels.size() ? labels.get(c) : Integer.toString(c);
        System.out.printf(Locale.ROOT, "  %d. %-20s %.4f%n", j + 1, label, pr[c]);
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
