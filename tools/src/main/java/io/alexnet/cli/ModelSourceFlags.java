package io.alexnet.cli;

import io.alexnet.api.Model;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which trained model a command opens: --model, and which of its checkpoints. */
public final class ModelSourceFlags {

  @Option(names = "--model", paramLabel = "RUN_DIR|MODEL_DIR",
      description = "A run folder (an imported model's too) or an exported SavedModel.")
  Path model;

  @Mixin CheckpointFlags checkpoint;

  /** The --model given; refused with what to do when it is missing. */
  public Path path() {
    if (model == null) {
      throw new IllegalArgumentException("--model is required: a run folder or a SavedModel");
    }
    return model;
  }

  /** @return which checkpoint, whether to trust */
  public CheckpointFlags choices() {
    return checkpoint;
  }

  /** Opens --model with these choices and {@code session}'s threads and precision. */
  public Model open(SessionFlags session) {
    return checkpoint.open(path(), session);
  }
}
