package io.alexnet.train;

import io.alexnet.runtime.HostTensors;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One training step, as {@link Trainer#fit} runs it: a batch and its labels fed with dropout on
 * and a dropout seed, the loss and the probabilities fetched, the update run. {@code bench}
 * times this very step.
 */
public final class TrainingStep {
  private final Session session;
  private final TrainingGraph.Handles handles;
  private final StepRunner mode;
  private final int imageSize;
  private final int workers;
  private final int index;

  TrainingStep(Session session, TrainingGraph.Handles handles, StepRunner mode, int imageSize,
      int workers, int index) {
    this.session = session;
    this.handles = handles;
    this.mode = mode;
    this.imageSize = imageSize;
    this.workers = workers;
    this.index = index;
  }

  /**
   * The step of one process training alone, in {@code session} on {@code graph}.
   *
   * @param session a session of the training graph, its variables initialized
   * @param graph the training graph
   * @param imageSize the model's input side
   * @return the step
   */
  public static TrainingStep local(Session session, TrainingGraph graph, int imageSize) {
    return new TrainingStep(session, graph.handles(), StepRunner.local(), imageSize, 1, 0);
  }

  /**
   * What a step leaves.
   *
   * @param loss the batch's mean loss before the update
   * @param probabilities [n, classes], row-major
   * @param step the global step after it
   */
  public record Outcome(double loss, float[] probabilities, long step) {}

  /**
   * Runs one step on {@code n} pre-processed images (NHWC).
   *
   * @param images [n, size, size, 3], row-major
   * @param labels n class ids
   * @param n batch size
   * @param step the global step before it (it also seeds the dropout masks)
   * @return the loss, the probabilities and the step after
   */
  public Outcome run(float[] images, int[] labels, int n, long step) {
    return execute(images, labels, n, step, null).outcome();
  }

  /**
   * The step and what TensorFlow reported of it.
   *
   * @param outcome what the step left
   * @param metadata its run metadata (step stats, executed graphs), as {@code options} asked
   */
  public record Traced(Outcome outcome, RunMetadata metadata) {}

  /**
   * Runs the same step as {@link #run} with {@code options} (a trace level, partition graphs),
   * so that a profile describes the step training runs, not a look-alike.
   *
   * @param images [n, size, size, 3], row-major
   * @param labels n class ids
   * @param n batch size
   * @param step the global step before it
   * @param options what TensorFlow records of the run
   * @return the outcome and the run's metadata
   */
  public Traced trace(float[] images, int[] labels, int n, long step, RunOptions options) {
    return execute(images, labels, n, step, options);
  }

  private Traced execute(float[] images, int[] labels, int n, long step, RunOptions options) {
    int s = imageSize;
    try (TFloat32 x = HostTensors.of(Shape.of(n, s, s, 3), images);
        TInt32 y = HostTensors.of(Shape.of(n), labels);
        TBool on = TBool.scalarOf(true);
        // Masks differ between workers that start a step at the same global step.
        TInt64 dropoutSeed = TInt64.scalarOf(step * workers + index);
        TInt64 now = TInt64.scalarOf(step)) {
      Session.Runner run = session.runner().feed(handles.images(), x)
          .feed(handles.labels(), y).feed(handles.training(), on)
          .feed(handles.dropoutSeed(), dropoutSeed).fetch(handles.loss())
          .fetch(handles.probabilities()).addTarget(handles.step());
      mode.prepare(run, now);
      if (options != null) {
        run.setOptions(options);
      }
      try (Result r = options == null ? run.run() : run.runAndFetchMetadata()) {
        Outcome o = new Outcome(((TFloat32) r.get(0)).getFloat(),
            HostTensors.floats((TFloat32) r.get(1)), mode.after(r, step));
        return new Traced(o, r.getMetadata().orElse(null));
      }
    }
  }
}
