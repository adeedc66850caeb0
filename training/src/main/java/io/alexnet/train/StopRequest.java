package io.alexnet.train;

/**
 * A way to stop a training run from outside its thread, as Ctrl-C does: the run finishes the
 * step under way, saves a checkpoint there and returns. Hand one to the run before it starts
 * (the API's fit options take it); {@link #request} then reaches whichever trainer is running.
 */
public final class StopRequest {
  private Trainer trainer;
  private boolean requested;

  /**
   * Asks the run to stop; returns whether a training loop was there to hear it (false before
   * it has started or after it has ended, when there is nothing to save).
   */
  public synchronized boolean request() {
    requested = true;
    if (trainer != null) {
      trainer.requestStop();
      return true;
    }
    return false;
  }

  /** The trainer that hears the request from now on (null: none). */
  public synchronized void attach(Trainer t) {
    trainer = t;
    if (t != null && requested) {
      t.requestStop();
    }
  }
}
