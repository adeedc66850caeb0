package io.alexnet.train;

import io.alexnet.cluster.WorkerRole;
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

      @Override
      public long after(Result r, long before) {
        if (role.chief()) {
          session.runner().addTarget(s.round()).run();
        }
        try (Result t = session.runner().fetch(s.token()).run()) {
          return ((TInt64) t.get(0)).getLong();
        }
      }
    };
  }
}
