package io.alexnet.report;

import io.alexnet.data.RgbImage;
import io.alexnet.runtime.HostArray;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** The pictures a report inlines: thumbnails of images, and conv1's kernels as a grid. */
final class Pictures {
  private Pictures() {}

  /** A PNG as a data: URI, for an img tag that needs no file beside the page. */
  static String dataUri(BufferedImage img) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }

  /** An image scaled to fit {@code side} x {@code side}, aspect kept. */
  static BufferedImage thumbnail(RgbImage img, int side) {
    BufferedImage src = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        int r = img.at(x, y, 0), g = img.at(x, y, 1), b = img.at(x, y, 2);
        src.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    double scale = (double) side / Math.max(img.width(), img.height());
    int w = Math.max(1, (int) Math.round(img.width() * scale));
    int h = Math.max(1, (int) Math.round(img.height() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
        RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /**
   * One tower's conv1 kernels (HWIO [k, k, 3, n]) as a grid of small RGB images, each kernel
   * stretched to the full 0..255 range on its own (as the paper's Figure 3 shows them), drawn
   * {@code zoom} times larger. A BGR model's kernels are turned to RGB first.
   */
  static BufferedImage kernelGrid(HostArray hwio, boolean bgr, int zoom) {
    int k = hwio.dim(0), n = hwio.dim(3);
    int columns = Math.min(n, 12), rows = (n + columns - 1) / columns;
    int cell = k * zoom + 2;
    BufferedImage out = new BufferedImage(columns * cell, rows * cell,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.dispose();
    float[] v = hwio.values();
    for (int o = 0; o < n; o++) {
      float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
      for (int i = 0; i < k * k * 3; i++) {
        float w = v[i * n + o];
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
      }
      float span = Math.max(hi - lo, 1e-12f);
      int x0 = (o % columns) * cell + 1, y0 = (o / columns) * cell + 1;
      for (int y = 0; y < k; y++) {
        for (int x = 0; x < k; x++) {
          int[] rgb = new int[3];
          for (int c = 0; c < 3; c++) {
            float w = v[((y * k + x) * 3 + c) * n + o];
            rgb[bgr ? 2 - c : c] = Math.round((w - lo) / span * 255);
          }
          int colour = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
          for (int dy = 0; dy < zoom; dy++) {
            for (int dx = 0; dx < zoom; dx++) {
              out.setRGB(x0 + x * zoom + dx, y0 + y * zoom + dy, colour);
            }
          }
        }
      }
    }
    return out;
  }
}
