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
    float[] out = new float[canvas * canvas * 3];
    resample(img, 0, 0, canvas, false, false, out, 0);
    return out;
  }

  /** The mean-subtracted, scaled canvas for an image, in the network's channel order. */
  public float[] canvas(RgbImage img) {
    float[] out = new float[canvas * canvas * 3];
    resample(img, 0, 0, canvas, true, false, out, 0);
    return out;
  }

  /**
   * The central crop x crop patch of {@link #canvas}, written into {@code dst} at {@code
   * offset}: what evaluation feeds. The same values as {@code cropInto(canvas(img), centre(),
   * centre(), false, null, ...)}, to the bit, without computing the border it would drop.
   */
  public void centralCropInto(RgbImage img, float[] dst, int offset) {
    resample(img, centre(), centre(), crop, true, true, dst, offset);
  }

  /**
   * The side x side patch at (cx, cy) of the canvas, into {@code dst}: bilinear samples of the
   * image, then (with {@code normalize}) channel order, mean and scale. Each sample is
   * {@code (a*(1-tx) + b*tx)*(1-ty) + (c*(1-tx) + d*tx)*ty} in doubles, as written out plainly;
   * the horizontal halves depend only on the source row, so each source row's are worked out
   * once and reused by every canvas row that reads it (about nine for Fashion-MNIST's 28 rows),
   * which gives the same doubles in the same order. {@code asCrop} adds the zero colour shift
   * {@link #cropInto} adds, which turns a -0.0 into 0.0, so a crop matches it bit for bit.
   */
  private void resample(RgbImage img, int cx, int cy, int side, boolean normalize,
      boolean asCrop, float[] dst, int offset) {
    int w = img.width(), h = img.height();
    double s = (double) canvas / Math.min(w, h);
    int sw = Math.max(canvas, (int) Math.round(w * s));
    int sh = Math.max(canvas, (int) Math.round(h * s));
    int x0 = (sw - canvas) / 2, y0 = (sh - canvas) / 2;
    double fx = (double) w / sw, fy = (double) h / sh;
    int[] ix = new int[side], ix1 = new int[side];
    double[] tx = new double[side], ux = new double[side];
    for (int x = 0; x < side; x++) {
      double sx = Math.min(Math.max((x + cx + x0 + 0.5) * fx - 0.5, 0), w - 1);
      ix[x] = (int) sx;
      ix1[x] = Math.min(ix[x] + 1, w - 1);
      tx[x] = sx - ix[x];
      ux[x] = 1 - tx[x];
    }
    Rows rows = new Rows(img.rgb(), w, side, ix, ix1, tx, ux);
    int r = order == ChannelOrder.BGR && normalize ? 2 : 0, b = 2 - r;
    for (int y = 0; y < side; y++) {
      double sy = Math.min(Math.max((y + cy + y0 + 0.5) * fy - 0.5, 0), h - 1);
      int iy = (int) sy;
      int iy1 = Math.min(iy + 1, h - 1);
      double ty = sy - iy, uy = 1 - ty;
      double[] top = rows.get(iy), bottom = rows.get(iy1);
      int o = offset + y * side * 3;
      int m = ((y + cy) * canvas + cx) * 3;
      for (int i = 0; i < side * 3; i += 3) {
        float vr = (float) (top[i] * uy + bottom[i] * ty);
        float vg = (float) (top[i + 1] * uy + bottom[i + 1] * ty);
        float vb = (float) (top[i + 2] * uy + bottom[i + 2] * ty);
        if (!normalize) {
          dst[o + i] = vr;
          dst[o + i + 1] = vg;
          dst[o + i + 2] = vb;
          continue;
        }
        // In the network's channel order: R lands at r, B at b; the mean is in that order.
        float nr = (vr - (mean == null ? 0 : mean[m + i + r])) * scale;
        float ng = (vg - (mean == null ? 0 : mean[m + i + 1])) * scale;
        float nb = (vb - (mean == null ? 0 : mean[m + i + b])) * scale;
        if (asCrop) {
          nr += 0f;
          ng += 0f;
          nb += 0f;
        }
        dst[o + i + r] = nr;
        dst[o + i + 1] = ng;
        dst[o + i + b] = nb;
      }
    }
  }

  /** The horizontal halves of the bilinear samples of the two source rows last asked for. */
  private static final class Rows {
    private final byte[] px;
    private final int w, side;
    private final int[] ix, ix1;
    private final double[] tx, ux;
    private final int[] row = {-1, -1};
    private final double[][] values;
    private int older;

    Rows(byte[] px, int w, int side, int[] ix, int[] ix1, double[] tx, double[] ux) {
      this.px = px;
      this.w = w;
      this.side = side;
      this.ix = ix;
      this.ix1 = ix1;
      this.tx = tx;
      this.ux = ux;
      values = new double[2][side * 3];
    }

    double[] get(int y) {
      for (int k = 0; k < 2; k++) {
        if (row[k] == y) {
          older = 1 - k;
          return values[k];
        }
      }
      int k = older;
      older = 1 - k;
      row[k] = y;
      double[] v = values[k];
      int base = y * w * 3;
      for (int x = 0, j = 0; x < side; x++, j += 3) {
        int a = base + ix[x] * 3, c = base + ix1[x] * 3;
        double u = ux[x], t = tx[x];
        v[j] = (px[a] & 0xff) * u + (px[c] & 0xff) * t;
        v[j + 1] = (px[a + 1] & 0xff) * u + (px[c + 1] & 0xff) * t;
        v[j + 2] = (px[a + 2] & 0xff) * u + (px[c + 2] & 0xff) * t;
      }
      return v;
    }
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
