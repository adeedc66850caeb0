package io.alexnet.eval;

import io.alexnet.eval.EvalResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The confusion matrix as CSV (counts) and as a PNG heat map (row-normalised). */
public final class ConfusionReport {
  private ConfusionReport() {}

  public static void writeCsv(EvalResult r, List<String> labels, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder head = new StringBuilder("true\\predicted");
    for (int c = 0; c < r.confusion().length; c++) {
      head.append(',').append(csv(name(labels, c)));
    }
    lines.add(head.toString());
    for (int t = 0; t < r.confusion().length; t++) {
      StringBuilder row = new StringBuilder(csv(name(labels, t)));
      for (long v : r.confusion()[t]) {
        row.append(',').append(v);
      }
      lines.add(row.toString());
    }
    Files.write(file, lines);
  }

  /** Heat map of each true class's share per predicted class; skipped above 100 classes. */
  public static boolean writePng(EvalResult r, List<String> labels, Path file) throws IOException {
    int n = r.confusion().length;
    if (n > 100) {
      return false;
    }
    int cell = Math.max(8, Math.min(48, 640 / n)), left = 130, top = 40;
    BufferedImage img = new BufferedImage(left + n * cell + 20, top + n * cell + 120,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(String.format(Locale.ROOT, "Confusion (rows: true class)  top-1 error %.4f",
        r.top1Error()), 10, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(12, cell - 2)));
    for (int t = 0; t < n; t++) {
      long total = 0;
      for (long v : r.confusion()[t]) {
        total += v;
      }
      for (int p = 0; p < n; p++) {
        double share = total == 0 ? 0 : (double) r.confusion()[t][p] / total;
        int shade = (int) Math.round(255 * (1 - share));
        g.setColor(new Color(shade, shade, 255));
        g.fillRect(left + p * cell, top + t * cell, cell, cell);
        if (cell >= 30 && r.confusion()[t][p] > 0) {
          g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
          g.drawString(Long.toString(r.confusion()[t][p]), left + p * cell + 3,
              top + t * cell + cell / 2 + 4);
        }
      }
      g.setColor(Color.BLACK);
      g.drawString(shorten(name(labels, t)), 5, top + t * cell + cell / 2 + 4);
    }
    for (int p = 0; p < n; p++) {
      Graphics2D rot = (Graphics2D) g.create();
      rot.rotate(Math.PI / 2, left + p * cell + cell / 2.0, top + n * cell + 5);
      rot.drawString(shorten(name(labels, p)), left + p * cell + cell / 2, top + n * cell + 5);
      rot.dispose();
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
    return true;
  }

  private static String name(List<String> labels, int c) {
    return c < labels.size() ? labels.get(c) : Integer.toString(c);
  }

  private static String shorten(String s) {
    return s.length() > 18 ? s.substring(0, 17) + "…" : s;
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
