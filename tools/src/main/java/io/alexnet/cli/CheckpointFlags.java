package io.alexnet.cli;

import io.alexnet.api.Model;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a model is opened: which checkpoint of a run, whether to trust a SavedModel. */
public final class CheckpointFlags {

  @Option(names = "--checkpoint", defaultValue = Model.BEST, paramLabel = "best|latest|ckpt-N",
      description = "For a run folder: best (else the newest), latest, or a checkpoint's name."
          + " Default: ${DEFAULT-VALUE}.")
  String checkpoint;

  @Option(names = "--trust",
      description = "Open a SavedModel even when its graph has ops an AlexNet does not need"
          + " (only for a model from someone you trust).")
  boolean trust;

  /** @return best, latest or a checkpoint's name */
  public String checkpoint() {
    return checkpoint;
  }

  /** @return whether a SavedModel with unexpected ops is opened */
  public boolean trust() {
    return trust;
  }

  /** Opens {@code path} with these choices and {@code session}'s threads and precision. */
  public Model open(Path path, SessionFlags session) {
    return open(path, session.options());
  }

  /** Opens {@code path} with these choices in a session of {@code options}. */
  public Model open(Path path, io.alexnet.runtime.SessionOptions options) {
    return Model.loader(path).checkpoint(checkpoint).trust(trust).session(options).load();
  }
}
