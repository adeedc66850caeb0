package io.alexnet.cli;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.RgbImage;
import io.alexnet.export.ServingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Top-5 classes with probabilities for image files, through the SavedModel's"
        + " classify_images signature (decoding and pre-processing inside the graph).")
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "A SavedModel folder.")
  Path model;

  @Option(names = "--trust", description = "Load the SavedModel even with unexpected ops.")
  boolean trust;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
  List<Path> images;

  @Override
  public Integer call() throws Exception {
    int failed = 0;
    try (ServingModel m = ServingModel.load(model, trust)) {
      List<Path> ok = new ArrayList<>();
      List<byte[]> bytes = new ArrayList<>();
      for (Path p : images) {
        try {
          byte[] b = Files.readAllBytes(p);
          RgbImage.decode(b); // refuse non-images here, so one bad file does not fail the rest
          ok.add(p);
          bytes.add(b);
        } catch (IOException e) {
          System.err.println(p + ": cannot read: " + e.getMessage());
          failed++;
        } catch (BadExampleException e) {
          System.err.println(p + ": " + e.getMessage());
          failed++;
        }
      }
      for (int i = 0; i < ok.size(); i++) {
        ServingModel.Prediction r;
        try {
          r = m.classify(List.of(bytes.get(i)));
        } catch (RuntimeException e) {
          System.err.println(ok.get(i) + ": TensorFlow could not decode it: " + e.getMessage());
          failed++;
          continue;
        }
        System.out.println(ok.get(i) + ":");
        int k = r.top5().length;
        for (int j = 0; j < k; j++) {
          int c = r.top5()[j];
          String label = c < m.labels().size() ? m.labels().get(c) : Integer.toString(c);
          System.out.printf(Locale.ROOT, "  %d. %-20s %.4f%n", j + 1, label,
              r.probabilities()[c]);
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
