package io.alexnet.spark;

import io.alexnet.api.Model;
import io.alexnet.runtime.SessionOptions;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How the executors open the model, as the driver was asked to: the same path on every
 * executor, the checkpoint, trust, and the session's threads and precision ({@code auto}
 * decided by each executor's own machine).
 *
 * @param path a run folder or a SavedModel, absolute
 * @param checkpoint best, latest or a checkpoint's name
 * @param trust open a SavedModel with unexpected ops
 * @param session threads and precision
 */
public record ModelRequest(String path, String checkpoint, boolean trust,
    SessionOptions session) implements Serializable {

  /** The best checkpoint (or a SavedModel) at {@code path}, in {@code session}. */
  public static ModelRequest of(Path path, SessionOptions session) {
    return new ModelRequest(path.toAbsolutePath().toString(), Model.BEST, false, session);
  }

  /** Opens it, as every command opens a model. */
  Model open() {
    return Model.loader(Path.of(path)).checkpoint(checkpoint).trust(trust).session(session)
        .load();
  }
}
