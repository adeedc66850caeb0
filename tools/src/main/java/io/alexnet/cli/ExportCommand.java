package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.runtime.SessionOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model for other programs:",
        "  --format savedmodel (default): MODEL_DIR/VERSION/{saved_model.pb, variables/, assets/}"
            + " for TensorFlow Serving and other languages;",
        "  --format onnx: one FILE.onnx (opset 13) for ONNX Runtime, TensorRT, OpenVINO and the"
            + " like."})
final class ExportCommand implements Callable<Integer> {

  @Mixin ModelSourceFlags source;

  @Option(names = "--format", defaultValue = "savedmodel",
      description = "savedmodel or onnx. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--out", description = "SavedModel: the model folder (default RUN_DIR/model)."
      + " ONNX: the file (default RUN_DIR/model.onnx). Needed when --model is a SavedModel.")
  Path out;

  @Option(names = "--model-version", defaultValue = "1", paramLabel = "N",
      description = "The SavedModel's version folder, as TensorFlow Serving numbers them."
          + " Default: ${DEFAULT-VALUE}.")
  int version;

  @Override
  public Integer call() {
    boolean onnx = switch (format.toLowerCase(Locale.ROOT)) {
      case "savedmodel" -> false;
      case "onnx" -> true;
      default -> throw new IllegalArgumentException("--format is savedmodel or onnx, not '"
          + format + "'");
    };
    Path model = source.path();
    // The files are float32 whatever precision a model runs in: export computes nothing.
    try (Model m = source.checkpoint.open(model, SessionOptions.FLOAT32)) {
      Path target = out != null ? out : m.runFolder()
          .map(run -> run.resolve(onnx ? "model.onnx" : "model"))
          .orElseThrow(() -> new IllegalArgumentException(model + " is a SavedModel: give"
              + " --out for what to write"));
      if (onnx) {
        Path file = m.exportOnnx(target);
        System.out.println("exported " + file.toAbsolutePath());
        System.out.println("  input images: float32 [batch, 3, size, size] (NCHW),"
            + " pre-processed as its metadata says; outputs probabilities, top5 (inspect shows"
            + " both)");
        System.out.println("  inspect: tools/alexnet inspect " + file);
        return 0;
      }
      Path dir = m.exportSavedModel(target, version);
      System.out.println("exported " + dir.toAbsolutePath());
      System.out.println("  signatures: serving_default (float images) and classify_images"
          + " (encoded JPEG/PNG bytes) -> probabilities, top5");
      System.out.println("  inspect: tools/alexnet inspect " + dir);
      return 0;
    }
  }
}
