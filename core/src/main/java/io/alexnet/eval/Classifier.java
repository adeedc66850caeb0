package io.alexnet.eval;

/** Anything that maps pre-processed images to class probabilities: a session, a SavedModel. */
@FunctionalInterface
public interface Classifier {
  /** Probabilities [n, classes], row-major, for images NHWC [n, size, size, 3]. */
  float[] probabilities(float[] images, int n);
}
