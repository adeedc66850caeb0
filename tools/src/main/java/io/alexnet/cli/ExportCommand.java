package io.alexnet.cli;

import io.alexnet.api.ModelSource;
import io.alexnet.export.SavedModelExport;
import io.alexnet.export.ServingModel;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model for other programs:",
        "  --format savedmodel (default): MODEL_DIR/VERSION/{saved_model.pb, variables/, assets/}"
            + " for TensorFlow Serving and other languages;",
        "  --format onnx: one FILE.onnx (opset 13) for ONNX Runtime, TensorRT, OpenVINO and the"
            + " like, from a run or from an exported SavedModel."})
final class ExportCommand implements Callable<Integer> {

  enum Format { SAVEDMODEL, ONNX }

  @Option(names = "--checkpoint", paramLabel = "RUN_DIR", description = "The run folder.")
  Path runDir;

  @Option(names = "--model", paramLabel = "MODEL_DIR",
      description = "An exported SavedModel (with --format onnx).")
  Path modelDir;

  @Option(names = "--format", defaultValue = "savedmodel",
      description = "savedmodel or onnx. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--from", defaultValue = "best",
      description = "best, latest, or a checkpoint folder of the run. Default: ${DEFAULT-VALUE}.")
  String from;

  @Option(names = "--out", description = "SavedModel: the model folder (default RUN_DIR/model)."
      + " ONNX: the file (default RUN_DIR/model.onnx).")
  Path out;

  @Option(names = "--version", defaultValue = "1",
      description = "SavedModel version folder. Default: ${DEFAULT-VALUE}.")
  int version;

  @Override
  public Integer call() throws Exception {
    if ((runDir == null) == (modelDir == null)) {
      throw new IllegalArgumentException("give the run to export with --checkpoint RUN_DIR"
          + " (or, for --format onnx, a SavedModel with --model MODEL_DIR)");
    }
    Format f = switch (format.toLowerCase(Locale.ROOT)) {
      case "savedmodel" -> Format.SAVEDMODEL;
      case "onnx" -> Format.ONNX;
      default -> throw new IllegalArgumentException("--format is savedmodel or onnx, not '"
          + format + "'");
    };
    if (f == Format.SAVEDMODEL) {
      if (modelDir != null) {
        throw new IllegalArgumentException(modelDir + " is a SavedModel already; --model is"
            + " for --format onnx");
      }
      Path dir = export(runDir, from, out != null ? out : runDir.resolve("model"), version);
      System.out.println("exported " + dir.toAbsolutePath());
      System.out.println("  signatures: serving_default (float images) and classify_images"
          + " (encoded JPEG/PNG bytes) -> probabilities, top5");
      System.out.println("  inspect: tools/alexnet inspect " + dir);
      return 0;
    }
    Path file = exportOnnx();
    System.out.println("exported " + file.toAbsolutePath());
    System.out.println("  input images: float32 [batch, 3, size, size] (NCHW), pre-processed as"
        + " its metadata says; outputs probabilities, top5 (inspect shows both)");
    System.out.println("  inspect: tools/alexnet inspect " + file);
    return 0;
  }

  private Path exportOnnx() throws Exception {
    if (runDir != null) {
      RunDir run = new RunDir(runDir);
      Path ckpt = checkpoint(run, from);
      Path file = out != null ? out : runDir.resolve("model.onnx");
      OnnxExport.write(TrainedWeights.fromCheckpoint(run, ckpt), run.preprocessor(),
          run.labels(), file);
      return file;
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE.onnx is needed with --model");
    }
    try (ServingModel m = ServingModel.load(modelDir, false)) {
      OnnxExport.write(TrainedWeights.fromSavedModel(m), m.preprocessor(), m.labels(), out);
    }
    return out;
  }

  static Path export(Path runDir, String from, Path modelDir, int version) throws Exception {
    RunDir run = new RunDir(runDir);
    return SavedModelExport.export(run, checkpoint(run, from), modelDir, version);
  }

  /** The checkpoint {@code from} names: best (or else latest), latest, or a folder. */
  private static Path checkpoint(RunDir run, String from) throws Exception {
    run.properties(); // refuses a folder that is not a run, with the reason
    return switch (from) {
      case "best" -> ModelSource.bestOrLatest(run);
      case "latest" -> new Checkpoints(run.checkpoints(), Integer.MAX_VALUE).latest()
          .orElseThrow(() -> new IllegalArgumentException(run.dir() + " has no checkpoint yet"));
      default -> Path.of(from);
    };
  }
}
