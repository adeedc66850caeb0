package io.alexnet.train;

import java.util.ArrayList;
import java.util.List;

/** What {@link Trainer#fit} returns: one entry per epoch, and how the run ended. */
public final class History {
  public enum Outcome {
    COMPLETED,
    DIVERGED,
    /** Stopped on request (Ctrl-C, SIGTERM) after a step, with a checkpoint saved there. */
    STOPPED
  }

  private final List<TrainingListener.Epoch> epochs = new ArrayList<>();
  private Outcome outcome = Outcome.COMPLETED;
  private String message = "";

  void add(TrainingListener.Epoch e) {
    epochs.add(e);
  }

  void diverged(String why) {
    outcome = Outcome.DIVERGED;
    message = why;
  }

  void stopped(String why) {
    outcome = Outcome.STOPPED;
    message = why;
  }

  public List<TrainingListener.Epoch> epochs() {
    return List.copyOf(epochs);
  }

  public Outcome outcome() {
    return outcome;
  }

  public String message() {
    return message;
  }

  public TrainingListener.Epoch last() {
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
  }
}
