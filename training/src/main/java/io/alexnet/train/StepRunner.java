package io.alexnet.train;

import io.alexnet.cluster.ClusterSpec;
import io.alexnet.cluster.TaskProbe;
import io.alexnet.cluster.WorkerRole;
import java.util.List;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt64;

/**
 * What differs between the ways a training step runs: what the step feeds or fetches besides
 * the batch, and which global step it leaves. One implementation per mode; the loop in {@link
 * Trainer#fit} is the same for all.
 */
interface StepRunner {

  /** Adds this mode's feeds and fetches to a step (its batch, loss and probabilities are in). */
  void prepare(Session.Runner step, TInt64 now);

  /** The global step after the step ran, given its result and the step before it. */
  long after(Result r, long before);

  /** One process, one or several replicas: each step is one update. */
  static StepRunner local() {
    return new StepRunner() {
      @Override
      public void prepare(Session.Runner step, TInt64 now) {}

      @Override
      public long after(Result r, long before) {
        return before + 1;
      }
    };
  }

  /** Asynchronous cluster: every worker's update counts, so read where the cluster is. */
  static StepRunner async(TrainingGraph.Handles h) {
    return new StepRunner() {
      @Override
      public void prepare(Session.Runner step, TInt64 now) {
        step.fetch(h.stepsDone());
      }

      @Override
      public long after(Result r, long before) {
        return ((TInt64) r.get(2)).getLong();
      }
    };
  }

  /**
   * Synchronous cluster: the step contributes gradients computed at global step {@code now};
   * then the chief runs the round and every worker takes its token, which carries the step the
   * round moved the cluster to.
   */
  static StepRunner sync(Session session, TrainingGraph.SyncHandles s, WorkerRole role) {
    return new StepRunner() {
      @Override
      public void prepare(Session.Runner step, TInt64 now) {
        step.feed(s.computedAt(), now);
      }

      // TensorFlow would wait forever for a worker that died; a deadline turns that into an
      // error that can name it.
      private final RunOptions limit = RunOptions.newBuilder()
          .setTimeoutInMs(role.waitLimit().toMillis()).build();

      @Override
      public long after(Result r, long before) {
        long start = System.nanoTime();
        try {
          if (role.chief()) {
            try (Result done = session.runner().addTarget(s.round()).setOptions(limit).run()) {
              // the round's effect is in the shared variables
            }
          }
          try (Result t = session.runner().fetch(s.token()).setOptions(limit).run()) {
            return ((TInt64) t.get(0)).getLong();
          }
        } catch (TensorFlowException e) {
          List<String> silent = TaskProbe.silent(role.cluster(), ClusterSpec.WORKER,
              role.index());
          String waitedFor = role.chief() ? "every worker's gradients"
              : "the chief's update (worker task 0)";
          // The deadline, or an earlier error (a ps task that went away): say how long it was.
          long waited = Math.round((System.nanoTime() - start) / 1e9);
          throw new IllegalStateException("synchronous step " + before + ": waited "
              + waited + " s for " + waitedFor + " in vain ("
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "). "
              + (silent.isEmpty() ? "Every task still answers, so one is stalled."
                  : "Not answering: " + String.join(", ", silent) + ".")
              + " Training stopped here; the chief's checkpoints are as they were. Restart"
              + " the missing task, then resume the chief.", e);
        }
      }
    };
  }
}
