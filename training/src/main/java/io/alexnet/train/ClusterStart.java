package io.alexnet.train;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.io.PropertiesFile;
import io.alexnet.store.Checkpoints;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;

/**
 * How a worker joins a cluster run. The chief restores the newest checkpoint (when resuming),
 * or initializes the shared model, or keeps the one the ps tasks already hold (from an earlier
 * chief); the other workers wait until the model is there. Every worker then starts at the
 * position the global step says the cluster has reached.
 */
final class ClusterStart {
  private final Session session;
  private final WorkerRole role;
  private final TrainingGraph.Handles handles;
  private final TrainingGraph.ClusterHandles cluster;
  private final Consumer<String> say;

  ClusterStart(Session session, WorkerRole role, TrainingGraph graph, Consumer<String> say) {
    this.session = session;
    this.role = role;
    this.handles = graph.handles();
    this.cluster = graph.cluster().orElseThrow();
    this.say = say;
  }

  /** Takes a restored checkpoint's state (the schedule's position). */
  @FunctionalInterface
  interface Restored {
    void accept(PropertiesFile state) throws IOException;
  }

  /** Restores the newest intact checkpoint, as a local resume does. */
  @FunctionalInterface
  interface Restore {
    Optional<Checkpoints.Restored> newestIntact() throws IOException;
  }

  /**
   * Joins; with {@code resume} the chief restores the newest intact checkpoint ({@code
   * restore}) into the ps tasks; {@code fresh} initializes the model from nothing (and sets
   * the learning rate), {@code restored} receives a restored checkpoint's state.
   */
  ResumeState join(boolean resume, Restore restore, Runnable fresh, Restored restored,
      int batchesPerEpoch, int epochs) throws IOException {
    say.accept("connecting to the cluster as " + role + " (waits until every task is up)");
    if (role.chief()) {
      Optional<Checkpoints.Restored> from = resume ? restore.newestIntact() : Optional.empty();
      if (from.isPresent()) {
        restored.accept(from.get().state());
        say.accept("restored " + from.get().folder() + " into the ps tasks");
      } else if (!initialized()) {
        fresh.run();
      } else {
        // An earlier chief's model, still on the ps tasks: keep it rather than start over.
        say.accept("the ps tasks already hold an initialized model; training continues on it");
      }
      Optional<TrainingGraph.SyncHandles> sync = cluster.sync();
      if (sync.isPresent()) {
        try (TInt64 g = TInt64.scalarOf(globalStep())) {
          session.runner().feed(sync.get().resetTo(), g).addTarget(sync.get().resetSteps())
              .run();
        }
      }
    } else {
      long waited = 0;
      while (!initialized()) {
        if (waited % 10 == 0) {
          say.accept("waiting for the chief (worker task 0) to initialize the model on the ps"
              + " tasks");
        }
        sleep(1000);
        waited++;
      }
    }
    // The cluster's position: async, every worker's step counts; sync, one step per round.
    long g = globalStep();
    long perEpoch = (long) batchesPerEpoch * (role.sync() ? 1 : role.workers());
    int epoch = (int) Math.min(epochs, g / perEpoch);
    int batch = (int) ((g % perEpoch) * batchesPerEpoch / perEpoch);
    return ResumeState.at(epoch, batch, g);
  }

  private boolean initialized() {
    try (Result r = session.runner().fetch(cluster.initialized()).run()) {
      return ((TBool) r.get(0)).getBoolean();
    }
  }

  long globalStep() {
    try (Result r = session.runner().fetch(handles.globalStep()).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the chief", e);
    }
  }
}
