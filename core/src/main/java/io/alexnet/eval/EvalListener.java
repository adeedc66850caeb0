package io.alexnet.eval;

/**
 * Sees an evaluation as it goes: each batch's scores, and how far it has got. A report that
 * collects the mistakes or the confusion of its own listens here, so the network runs over the
 * data once.
 */
public interface EvalListener {
  /**
   * After each batch, its readable images: their indices in the dataset, their labels, and
   * their class probabilities [n, classes], row-major (with ten crops, the average).
   */
  default void batch(int[] indices, int[] labels, float[] probabilities, int n) {}

  /** Examples looked at so far (readable or not) of {@code total}. */
  default void progress(int done, int total) {}

  /** A listener that does nothing. */
  EvalListener NONE = new EvalListener() {};
}
