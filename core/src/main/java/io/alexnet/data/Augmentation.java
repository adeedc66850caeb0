package io.alexnet.data;

/**
 * What happens to a training image each time it is used (Section 4.1): a random crop of the
 * canvas and its horizontal reflection, and the colour PCA shift. Each is switchable.
 */
public record Augmentation(boolean randomCrop, boolean flip, ColorPca pca) {

  /** No augmentation: the central crop, as for evaluation. */
  public static final Augmentation NONE = new Augmentation(false, false, null);

  /**
   * Which of the three a recipe asks for, before the data's colour statistics are known.
   *
   * @param randomCrop random crops of the canvas (else the central one)
   * @param flip random horizontal reflections
   * @param colourPca the colour PCA shift
   */
  public record Choice(boolean randomCrop, boolean flip, boolean colourPca) {
    /** Section 4.1: all three. */
    public static final Choice PAPER = new Choice(true, true, true);
    /** None: every pass sees the same central crops. */
    public static final Choice NONE = new Choice(false, false, false);

    /** The augmentation, with the training data's colour PCA where it is asked for. */
    public Augmentation with(ColorPca stats) {
      return new Augmentation(randomCrop, flip, colourPca ? stats : null);
    }
  }
}
