package io.alexnet.cli;

import io.alexnet.export.SavedModelExport;
import io.alexnet.train.Checkpoints;
import io.alexnet.train.RunDir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a training run as a SavedModel for TensorFlow Serving and other"
        + " languages: MODEL_DIR/VERSION/{saved_model.pb, variables/, assets/}.")
final class ExportCommand implements Callable<Integer> {

  @Option(names = "--checkpoint", required = true, description = "The run folder (RUN_DIR).")
  Path runDir;

  @Option(names = "--from", defaultValue = "best",
      description = "best, latest, or a checkpoint folder. Default: ${DEFAULT-VALUE}.")
  String from;

  @Option(names = "--out", description = "Model folder. Default: RUN_DIR/model.")
  Path out;

  @Option(names = "--version", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  int version;

  @Override
  public Integer call() throws Exception {
    Path dir = export(runDir, from, out != null ? out : runDir.resolve("model"), version);
    System.out.println("exported " + dir.toAbsolutePath());
    System.out.println("  signatures: serving_default (float images) and classify_images"
        + " (encoded JPEG/PNG bytes) -> probabilities, top5");
    System.out.println("  inspect: tools/alexnet inspect " + dir);
    return 0;
  }

  static Path export(Path runDir, String from, Path modelDir, int version) throws Exception {
    RunDir run = new RunDir(runDir);
    run.properties(); // refuses a folder that is not a run, with the reason
    Checkpoints cps = new Checkpoints(run.checkpoints(), Integer.MAX_VALUE);
    Path ckpt = switch (from) {
      case "best" -> cps.bestOrLatest().orElseThrow(
          () -> new IllegalArgumentException(runDir + " has no checkpoint yet"));
      case "latest" -> cps.latest().orElseThrow(
          () -> new IllegalArgumentException(runDir + " has no checkpoint yet"));
      default -> Path.of(from);
    };
    return SavedModelExport.export(run, ckpt, modelDir, version);
  }
}
