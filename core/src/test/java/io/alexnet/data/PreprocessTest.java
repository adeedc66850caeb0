package io.alexnet.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessTest {

  @Test
  void shorterSideTo256ThenCentralSquare() {
    // A 100x50 image: left half black, right half white. Scaled to 512x256 and cut to the
    // central 256: the boundary lands in the middle.
    byte[] rgb = new byte[100 * 50 * 3];
    for (int y = 0; y < 50; y++) {
      for (int x = 50; x < 100; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[(y * 100 + x) * 3 + c] = (byte) 255;
        }
      }
    }
    Preprocessor p = new Preprocessor(227, null);
    assertEquals(256, p.canvas());
    float[] c = p.centralSquare(new RgbImage(100, 50, rgb));
    assertEquals(256 * 256 * 3, c.length);
    assertEquals(0f, c[(100 * 256 + 10) * 3], 1e-3);
    assertEquals(255f, c[(100 * 256 + 245) * 3], 1e-3);
    assertEquals(127.5f, (c[(100 * 256 + 127) * 3] + c[(100 * 256 + 128) * 3]) / 2, 1f);
  }

  /**
   * The fast resampler against Section 2's pre-processing written out plainly, one canvas
   * pixel at a time, in doubles: equal to the bit, on up- and down-sampled, wide and tall, grey
   * and colour images, in both channel orders, with and without a mean, in both scales. The
   * central crop computed on its own equals the crop cut from the whole canvas, to the bit.
   */
  @Test
  void theResamplerIsTheFormulaToTheBit() {
    Random rnd = new Random(9);
    int[][] sizes = {{28, 28}, {500, 375}, {375, 500}, {300, 256}, {1000, 700}, {227, 227}};
    for (int[] wh : sizes) {
      byte[] rgb = new byte[wh[0] * wh[1] * 3];
      rnd.nextBytes(rgb);
      RgbImage img = new RgbImage(wh[0], wh[1], rgb);
      for (ChannelOrder order : ChannelOrder.values()) {
        for (boolean withMean : new boolean[] {false, true}) {
          for (float scale : new float[] {1f, 1f / 61.3f}) {
            int crop = wh[0] == 28 ? 67 : 227;
            int canvas = Preprocessor.canvasFor(crop);
            float[] mean = null;
            if (withMean) {
              mean = new float[canvas * canvas * 3];
              for (int i = 0; i < mean.length; i++) {
                mean[i] = rnd.nextFloat() * 255;
              }
            }
            Preprocessor p = new Preprocessor(crop, mean, scale, order);
            String what = wh[0] + "x" + wh[1] + " " + order + " mean " + withMean + " scale "
                + scale;
            float[] want = plainCanvas(img, canvas, mean, scale, order);
            assertBitsEqual(want, p.canvas(img), what);
            float[] cut = new float[crop * crop * 3], direct = new float[crop * crop * 3 + 5];
            p.cropInto(p.canvas(img), p.centre(), p.centre(), false, null, cut, 0);
            p.centralCropInto(img, direct, 5);
            assertBitsEqual(cut, java.util.Arrays.copyOfRange(direct, 5, direct.length), what);
          }
        }
      }
    }
  }

  /** Section 2 as a formula: shorter side to the canvas, bilinear, central square, mean, scale. */
  private static float[] plainCanvas(RgbImage img, int canvas, float[] mean, float scale,
      ChannelOrder order) {
    int w = img.width(), h = img.height();
    double s = (double) canvas / Math.min(w, h);
    int sw = Math.max(canvas, (int) Math.round(w * s));
    int sh = Math.max(canvas, (int) Math.round(h * s));
    int x0 = (sw - canvas) / 2, y0 = (sh - canvas) / 2;
    float[] out = new float[canvas * canvas * 3];
    for (int y = 0; y < canvas; y++) {
      double sy = Math.min(Math.max((y + y0 + 0.5) * ((double) h / sh) - 0.5, 0), h - 1);
      for (int x = 0; x < canvas; x++) {
        double sx = Math.min(Math.max((x + x0 + 0.5) * ((double) w / sw) - 0.5, 0), w - 1);
        int ix = (int) sx, iy = (int) sy;
        int ix1 = Math.min(ix + 1, w - 1), iy1 = Math.min(iy + 1, h - 1);
        double tx = sx - ix, ty = sy - iy;
        for (int c = 0; c < 3; c++) {
          double top = img.at(ix, iy, c) * (1 - tx) + img.at(ix1, iy, c) * tx;
          double bottom = img.at(ix, iy1, c) * (1 - tx) + img.at(ix1, iy1, c) * tx;
          float v = (float) (top * (1 - ty) + bottom * ty);
          int k = (y * canvas + x) * 3 + (order == ChannelOrder.BGR ? 2 - c : c);
          out[k] = (v - (mean == null ? 0 : mean[k])) * scale;
        }
      }
    }
    return out;
  }

  private static void assertBitsEqual(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        fail(what + ": value " + i + " is " + got[i] + ", the formula gives " + want[i]);
      }
    }
  }

  @Test
  void cropFlipAndOffset() {
    Preprocessor p = new Preprocessor(227, null);
    float[] canvas = new float[256 * 256 * 3];
    for (int i = 0; i < canvas.length; i++) {
      canvas[i] = i;
    }
    float[] dst = new float[227 * 227 * 3];
    p.cropInto(canvas, 10, 20, true, new float[] {1, 2, 3}, dst, 0);
    // Output (0,0) is canvas (10+226, 20), mirrored; channel offsets added.
    int src = (20 * 256 + 236) * 3;
    assertEquals(canvas[src] + 1, dst[0]);
    assertEquals(canvas[src + 2] + 3, dst[2]);
    assertThrows(IllegalArgumentException.class,
        () -> p.cropInto(canvas, 30, 0, false, null, dst, 0));
  }

  /** A BGR model gets each pixel's R and B swapped, its mean and colour offsets in BGR too. */
  @Test
  void bgrSwapsChannelsBeforeTheMeanAndInTheOffset() {
    int w = 40, h = 30;
    Random rnd = new Random(8);
    byte[] px = new byte[w * h * 3];
    rnd.nextBytes(px);
    RgbImage img = new RgbImage(w, h, px);
    int canvas = Preprocessor.canvasFor(67);
    float[] meanRgb = new float[canvas * canvas * 3];
    float[] meanBgr = new float[meanRgb.length];
    for (int i = 0; i < meanRgb.length; i += 3) {
      meanRgb[i] = 120 + rnd.nextFloat();
      meanRgb[i + 1] = 110 + rnd.nextFloat();
      meanRgb[i + 2] = 100 + rnd.nextFloat();
      meanBgr[i] = meanRgb[i + 2];
      meanBgr[i + 1] = meanRgb[i + 1];
      meanBgr[i + 2] = meanRgb[i];
    }
    Preprocessor rgb = new Preprocessor(67, meanRgb, 0.5f, ChannelOrder.RGB);
    Preprocessor bgr = new Preprocessor(67, meanBgr, 0.5f, ChannelOrder.BGR);
    float[] offset = {10, 20, 30};
    float[] a = new float[67 * 67 * 3], b = new float[67 * 67 * 3];
    rgb.cropInto(rgb.canvas(img), 3, 4, true, offset, a, 0);
    bgr.cropInto(bgr.canvas(img), 3, 4, true, offset, b, 0);
    for (int i = 0; i < a.length; i += 3) {
      assertEquals(a[i], b[i + 2]);
      assertEquals(a[i + 1], b[i + 1]);
      assertEquals(a[i + 2], b[i]);
    }
    assertEquals(ChannelOrder.BGR, ChannelOrder.parse("bgr"));
    assertThrows(IllegalArgumentException.class, () -> ChannelOrder.parse("RGBA"));
  }

  @Test
  void pcaOfAKnownCovariance() {
    // Colours drawn as mean + A z with z ~ N(0, I): covariance A A^T, known exactly.
    double[][] a = {{0.20, 0.05, 0.00}, {0.10, 0.08, 0.02}, {0.05, 0.02, 0.06}};
    double[][] cov = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          cov[i][j] += a[i][k] * a[j][k];
        }
      }
    }
    // Images with that colour covariance, one colour per pixel, through DataStats.
    Random rnd = new Random(8);
    int n = 40, side = 256;
    Dataset data = new Dataset() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public List<String> classNames() {
        return List.of("x");
      }

      @Override
      public Example get(int index) {
        Random r = new Random(index);
        byte[] rgb = new byte[side * side * 3];
        for (int p = 0; p < side * side; p++) {
          double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
          for (int c = 0; c < 3; c++) {
            double v = 0.5 + a[c][0] * z[0] + a[c][1] * z[1] + a[c][2] * z[2];
            rgb[p * 3 + c] = (byte) Math.round(Math.max(0, Math.min(1, v)) * 255);
          }
        }
        return new Example(new RgbImage(side, side, rgb), 0);
      }

      @Override
      public String describe() {
        return "gaussian colours";
      }
    };
    DataStats stats = DataStats.compute(data, new Preprocessor(227, null), 0);
    assertEquals(n, stats.images());
    ColorPca pca = stats.pca();
    ColorPca exact = ColorPca.ofCovariance(cov);
    // Eigen-decomposition: P diag(l) P^T rebuilds the covariance; vectors are orthonormal.
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double rebuilt = 0, dot = 0;
        for (int k = 0; k < 3; k++) {
          rebuilt += exact.eigenvectors()[k][i] * exact.eigenvalues()[k]
              * exact.eigenvectors()[k][j];
          dot += exact.eigenvectors()[i][k] * exact.eigenvectors()[j][k];
        }
        assertEquals(cov[i][j], rebuilt, 1e-12);
        assertEquals(i == j ? 1 : 0, dot, 1e-12);
      }
    }
    // Measured from the images (rounding and clipping aside), the same eigenvalues.
    for (int i = 0; i < 3; i++) {
      assertEquals(exact.eigenvalues()[i], pca.eigenvalues()[i],
          0.05 * exact.eigenvalues()[0], "eigenvalue " + i);
    }
    // The offsets: along p_i with standard deviation 0.1 * l_i (0..1 units, times 255).
    int draws = 20000;
    double[] proj2 = new double[3];
    for (int t = 0; t < draws; t++) {
      float[] off = exact.sample(rnd);
      for (int i = 0; i < 3; i++) {
        double pr = 0;
        for (int c = 0; c < 3; c++) {
          pr += exact.eigenvectors()[i][c] * off[c] / 255.0;
        }
        proj2[i] += pr * pr;
      }
    }
    for (int i = 0; i < 3; i++) {
      double sd = Math.sqrt(proj2[i] / draws);
      assertEquals(0.1 * exact.eigenvalues()[i], sd, 0.03 * 0.1 * exact.eigenvalues()[i],
          "offset spread along p" + (i + 1));
    }
  }

  @Test
  void statsSurviveASaveAndLoad(@TempDir Path tmp) throws Exception {
    int[] labels = new int[6];
    byte[][] images = Synthetic.images(6, 9, labels);
    Synthetic.writeIdx(tmp, "train", images, labels, true);
    FashionMnist d = FashionMnist.open(tmp, FashionMnist.Split.TRAIN);
    Preprocessor p = new Preprocessor(67, null);
    DataStats s = DataStats.compute(d, p, 0);
    s.save(tmp.resolve("stats.bin"));
    DataStats back = DataStats.load(tmp.resolve("stats.bin"));
    assertArrayEquals(s.mean(), back.mean());
    assertArrayEquals(s.pca().eigenvalues(), back.pca().eigenvalues());
    assertEquals(6, back.images());
    // Grayscale data: all colour variance lies along (1,1,1)/sqrt(3).
    double[] p1 = back.pca().eigenvectors()[0];
    assertEquals(1 / Math.sqrt(3), Math.abs(p1[0]), 1e-6);
    assertEquals(0, back.pca().eigenvalues()[1], 1e-9);
  }
}
