package io.alexnet.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** A small line chart drawn with Java2D: axes, ticks, a legend, one colour per series. */
public final class LineChart {
  /** A named line through (x[i], y[i]); NaN points are skipped. */
  public record Series(String name, double[] x, double[] y) {}

  private static final Color[] COLORS = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
    new Color(214, 39, 40), new Color(148, 103, 189)
  };

  private LineChart() {}

  /** Draws the chart into {@code g} within the box (x0, y0, w, h). */
  public static void draw(Graphics2D g, int x0, int y0, int w, int h, String title,
      String xLabel, List<Series> series) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(x0, y0, w, h);
    int left = x0 + 60, right = x0 + w - 20, top = y0 + 35, bottom = y0 + h - 45;
    double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.y()[i])) {
          minX = Math.min(minX, s.x()[i]);
          maxX = Math.max(maxX, s.x()[i]);
          minY = Math.min(minY, s.y()[i]);
          maxY = Math.max(maxY, s.y()[i]);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, y0 + 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(xLabel, (left + right) / 2 - 15, bottom + 35);
    if (!Double.isFinite(minX)) {
      g.drawString("no data yet", left + 10, (top + bottom) / 2);
      return;
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    if (maxY == minY) {
      maxY = minY + 1;
    }
    double pad = (maxY - minY) * 0.05;
    minY -= pad;
    maxY += pad;
    g.setColor(new Color(230, 230, 230));
    for (int t = 0; t <= 5; t++) {
      int yy = bottom - (bottom - top) * t / 5;
      g.drawLine(left, yy, right, yy);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    for (int t = 0; t <= 5; t++) {
      double vy = minY + (maxY - minY) * t / 5;
      int yy = bottom - (bottom - top) * t / 5;
      g.drawString(String.format(Locale.ROOT, "%.3g", vy), x0 + 5, yy + 4);
      double vx = minX + (maxX - minX) * t / 5;
      int xx = left + (right - left) * t / 5;
      g.drawString(String.format(Locale.ROOT, "%.3g", vx), xx - 10, bottom + 15);
    }
    g.setStroke(new BasicStroke(2f));
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      g.setColor(COLORS[k % COLORS.length]);
      int px = -1, py = -1;
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isFinite(s.y()[i])) {
          continue;
        }
        int xx = (int) Math.round(left + (s.x()[i] - minX) / (maxX - minX) * (right - left));
        int yy = (int) Math.round(bottom - (s.y()[i] - minY) / (maxY - minY) * (bottom - top));
        if (px >= 0) {
          g.drawLine(px, py, xx, yy);
        }
        g.fillOval(xx - 3, yy - 3, 6, 6);
        px = xx;
        py = yy;
      }
      g.fillRect(right - 150, top + 10 + 16 * k, 12, 4);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), right - 133, top + 16 + 16 * k);
    }
  }

  /** One chart as an image. */
  public static BufferedImage render(int w, int h, String title, String xLabel,
      List<Series> series) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    draw(g, 0, 0, w, h, title, xLabel, series);
    g.dispose();
    return img;
  }
}
