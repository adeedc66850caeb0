package io.alexnet.graph;

/**
 * Kernels per layer, for the whole net (both towers together). The paper's: 96, 256, 384, 384,
 * 256 kernels and 4096, 4096 hidden units (Section 3.5).
 */
public record LayerSizes(int conv1, int conv2, int conv3, int conv4, int conv5, int fc6, int fc7) {

  public static LayerSizes of(double width, int towers) {
    return new LayerSizes(
        scale(96, width, towers),
        scale(256, width, towers),
        scale(384, width, towers),
        scale(384, width, towers),
        scale(256, width, towers),
        scale(4096, width, towers),
        scale(4096, width, towers));
  }

  /** Scaled size, rounded to a multiple of the tower count so each tower gets an equal half. */
  private static int scale(int paper, double width, int towers) {
    int n = (int) Math.round(paper * width / towers) * towers;
    return Math.max(n, towers);
  }

  /** Spatial sizes through the net for a square input: conv1, pool1, pool2 and pool5. */
  public record Spatial(int conv1, int pool1, int pool2, int pool5) {}

  public static Spatial spatial(int imageSize) {
    int c1 = valid(imageSize, 11, 4); // conv1: 11x11, stride 4, no padding
    int p1 = valid(c1, 3, 2); // overlapping pooling, Section 3.4: z=3, s=2
    int p2 = valid(p1, 3, 2); // conv2 keeps the size (pad 2), then pooling
    int p5 = valid(p2, 3, 2); // conv3..5 keep the size (pad 1), then pooling
    return new Spatial(c1, p1, p2, p5);
  }

  private static int valid(int in, int window, int stride) {
    return in < window ? 0 : (in - window) / stride + 1;
  }
}
