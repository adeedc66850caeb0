package io.alexnet.examples;

// README: begin
import io.alexnet.api.FitOptions;
import io.alexnet.api.Model;
import io.alexnet.api.Prediction;
import io.alexnet.api.Training;
import io.alexnet.data.ImageFolder;
import io.alexnet.eval.EvalResult;
import io.alexnet.graph.ModelConfig;
import io.alexnet.train.Recipe;
import java.nio.file.Path;

/** Trains a small AlexNet on a folder of images, evaluates, exports, reloads and predicts. */
public final class UseFromJava {
  public static void main(String[] args) throws Exception {
    Path images = Path.of(args[0]); // one sub-folder of JPEG or PNG files per class
    Path work = Path.of(args[1]); // where the run and the SavedModel go
    Path photo = Path.of(args[2]); // an image to classify

    ImageFolder data = ImageFolder.open(images);
    // A small network, so that the example runs in seconds; the paper's is the default.
    ModelConfig model = ModelConfig.builder().classes(data.numClasses()).imageSize(67)
        .width(0.125).build();
    Recipe recipe = Recipe.DEFAULT.toBuilder().epochs(2).batchSize(16).build();
    Training.FitResult run = Training.fit(FitOptions.builder(data, work.resolve("run"))
        .model(model).recipe(recipe).build());
    System.out.println("trained " + run.history().epochs().size() + " epochs");

    try (Model trained = Model.load(run.runDir())) {
      EvalResult r = trained.evaluate(data);
      System.out.printf("top-1 error %.3f on %d images%n", r.top1Error(), r.examples());
      Path exported = trained.exportSavedModel(work.resolve("model"), 1);
      try (Model served = Model.load(exported)) {
        for (Prediction p : served.predict(photo, 3)) {
          System.out.printf("%-10s %.3f%n", p.label(), p.probability());
        }
      }
    }
  }
}
// README: end
