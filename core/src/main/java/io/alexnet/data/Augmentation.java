package io.alexnet.data;

/**
 * What happens to a training image each time it is used (Section 4.1): a random crop of the
 * canvas and its horizontal reflection, and the colour PCA shift. Each is switchable.
 */
public record Augmentation(boolean randomCrop, boolean flip, ColorPca pca) {

  /** No augmentation: the central crop, as for evaluation. */
  public static final Augmentation NONE = new Augmentation(false, false, null);
}
