package io.alexnet.data;

/**
 * Section 2's pre-processing: scale the shorter side to {@code canvas} (256 for 227 inputs),
 * cut out the central canvas x canvas patch, subtract the training set's mean image; then a
 * {@code crop} x {@code crop} patch (random while training, central otherwise). The paper feeds
 * the result in 0..255 units ({@code scale} 1); initializations made for unit-variance inputs
 * (He's) need it divided by the pixels' standard deviation instead. Images are read as RGB;
 * a model that takes BGR (one imported from Caffe) gets its channels swapped first, and its
 * mean image is in BGR too.
 */
public final class Preprocessor {
  private final int crop;
  private final int canvas;
  private final float[] mean;
  private final float scale;
  private final ChannelOrder order;

  /** Paper scale (1): pixels in 0..255 minus the mean. */
  public Preprocessor(int crop, float[] mean) {
    this(crop, mean, 1f);
  }

  /** RGB input. */
  public Preprocessor(int crop, float[] mean, float scale) {
    this(crop, mean, scale, ChannelOrder.RGB);
  }

  /**
   * @param mean canvas x canvas x 3 mean image in {@code order}, or null for none
   * @param scale multiplies every value after the mean is subtracted
   * @param order the channel order the network takes
   */
  public Preprocessor(int crop, float[] mean, float scale, ChannelOrder order) {
    this.crop = crop;
    this.canvas = canvasFor(crop);
    if (mean != null && mean.length != canvas * canvas * 3) {
      throw new IllegalArgumentException("mean image has " + mean.length + " values, expected "
          + canvas + "x" + canvas + "x3: computed for another --image-size?");
    }
    this.mean = mean;
    this.scale = scale;
    this.order = order;
  }

  public ChannelOrder channelOrder() {
    return order;
  }

  public float scale() {
    return scale;
  }

  /** The mean image (canvas x canvas x 3, 0..255 units, in the channel order), or null. */
  public float[] mean() {
    return mean;
  }

  /** 256 for the paper's 227 crops; the same 256:227 ratio for other sizes. */
  public static int canvasFor(int crop) {
    return (int) Math.round(crop * 256.0 / 227.0);
  }

  public int crop() {
    return crop;
  }

  public int canvas() {
    return canvas;
  }

  /** Shorter side to canvas (bilinear, pixel centres aligned), central square; 0..255 floats. */
  public float[] centralSquare(RgbImage img) {
    int w = img.width(), h = img.height();
    double scale = (double) canvas / Math.min(w, h);
    int sw = Math.max(canvas, (int) Math.round(w * scale));
    int sh = Math.max(canvas, (int) Math.round(h * scale));
    int x0 = (sw - canvas) / 2, y0 = (sh - canvas) / 2;
    float[] out = new float[canvas * canvas * 3];
    double fx = (double) w / sw, fy = (double) h / sh;
    for (int y = 0; y < canvas; y++) {
      double sy = Math.min(Math.max((y + y0 + 0.5) * fy - 0.5, 0), h - 1);
      int iy = (int) sy;
      int iy1 = Math.min(iy + 1, h - 1);
      double ty = sy - iy;
      for (int x = 0; x < canvas; x++) {
        double sx = Math.min(Math.max((x + x0 + 0.5) * fx - 0.5, 0), w - 1);
        int ix = (int) sx;
        int ix1 = Math.min(ix + 1, w - 1);
        double tx = sx - ix;
        for (int c = 0; c < 3; c++) {
          double top = img.at(ix, iy, c) * (1 - tx) + img.at(ix1, iy, c) * tx;
          double bottom = img.at(ix, iy1, c) * (1 - tx) + img.at(ix1, iy1, c) * tx;
          out[(y * canvas + x) * 3 + c] = (float) (top * (1 - ty) + bottom * ty);
        }
      }
    }
    return out;
  }

  /** The mean-subtracted, scaled canvas for an image, in the network's channel order. */
  public float[] canvas(RgbImage img) {
    float[] c = centralSquare(img);
    if (order == ChannelOrder.BGR) {
      for (int i = 0; i < c.length; i += 3) {
        float r = c[i];
        c[i] = c[i + 2];
        c[i + 2] = r;
      }
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = (c[i] - (mean == null ? 0 : mean[i])) * scale;
    }
    return c;
  }

  /**
   * Copies the crop x crop patch at (x0, y0) of a canvas into {@code dst} at {@code offset},
   * mirrored left-right if {@code flip}, adding {@code rgbOffset} (R, G, B in 0..255 units, may
   * be null) to every pixel.
   */
  public void cropInto(float[] canvasPixels, int x0, int y0, boolean flip, float[] rgbOffset,
      float[] dst, int offset) {
    if (x0 < 0 || y0 < 0 || x0 + crop > canvas || y0 + crop > canvas) {
      throw new IllegalArgumentException("crop at " + x0 + "," + y0 + " leaves the canvas");
    }
    float r = 0, g = 0, b = 0;
    if (rgbOffset != null) {
      r = rgbOffset[0] * scale;
      g = rgbOffset[1] * scale;
      b = rgbOffset[2] * scale;
      if (order == ChannelOrder.BGR) {
        float t = r;
        r = b;
        b = t;
      }
    }
    for (int y = 0; y < crop; y++) {
      for (int x = 0; x < crop; x++) {
        int sx = flip ? x0 + crop - 1 - x : x0 + x;
        int s = ((y0 + y) * canvas + sx) * 3;
        int d = offset + (y * crop + x) * 3;
        dst[d] = canvasPixels[s] + r;
        dst[d + 1] = canvasPixels[s + 1] + g;
        dst[d + 2] = canvasPixels[s + 2] + b;
      }
    }
  }

  /**
   * Section 4.1's test-time patches of a canvas: the four corner crops and the central one,
   * each also mirrored, written NHWC one after another into {@code dst} at {@code offset}.
   */
  public void tenPatches(float[] canvasPixels, float[] dst, int offset) {
    int span = canvas - crop, per = crop * crop * 3;
    int[][] corners = {{0, 0}, {span, 0}, {0, span}, {span, span}, {span / 2, span / 2}};
    int k = 0;
    for (int[] c : corners) {
      for (boolean flip : new boolean[] {false, true}) {
        cropInto(canvasPixels, c[0], c[1], flip, null, dst, offset + (k++) * per);
      }
    }
  }

  /** Offset of the central crop. */
  public int centre() {
    return (canvas - crop) / 2;
  }
}
