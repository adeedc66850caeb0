package io.alexnet.train;

import java.io.IOException;

/**
 * Saving a checkpoint failed (a full disk, an I/O error) and training stopped; the message
 * names the previous checkpoint, which is intact, so the run can resume from it.
 */
public final class CheckpointNotSaved extends IOException {
  public CheckpointNotSaved(String message, Throwable cause) {
    super(message, cause);
  }
}
