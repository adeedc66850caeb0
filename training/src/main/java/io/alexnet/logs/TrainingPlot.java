package io.alexnet.logs;

import io.alexnet.io.AtomicFiles;
import io.alexnet.train.History;
import io.alexnet.train.TrainingListener;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code training.png}: three charts side by side, drawn with XChart (round ticks, legends):
 * the loss by logged step with a smoothed line and each epoch's mean (log scale); top-1 and
 * top-5 error per epoch (markers, so a one-epoch run shows its point); the learning rate by
 * step with its cuts marked; validations inside epochs ({@code --val-every}) join the error
 * chart at fractional epochs. Each chart is also written as SVG. Redrawn after every epoch (a
 * stopped run still has its charts) from the CSV files, so a resumed run's cover the whole run.
 */
public final class TrainingPlot implements TrainingListener {
  public static final String FILE = "training.png";
  /** The charts' SVG files, in the order they stand in {@link #FILE}. */
  public static final List<String> SVG = List.of("loss.svg", "error.svg", "learning-rate.svg");

  /** Each chart's size in {@link #FILE}, where they stand side by side. */
  public static final int WIDTH = 600, HEIGHT = 450;
  /** Series colours, in order (the common "tab10" palette's first four). */
  private static final Color[] COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14),
      new Color(44, 160, 44), new Color(214, 39, 40)};
  /** Weight of the past in the smoothed loss (as TensorBoard's smoothing slider). */
  static final double SMOOTHING = 0.8;

  private final Path runDir;

  /** The colour of series {@code i} of a chart (0: blue, 1: orange, 2: green, 3: red). */
  public static Color colour(int i) {
    return COLOURS[i];
  }

  public TrainingPlot(Path runDir) {
    this.runDir = runDir;
  }

  @Override
  public void onEpoch(Epoch e) {
    draw();
  }

  @Override
  public void onEnd(History h) {
    draw();
  }

  /** Draws from epochs.csv and steps.csv; does nothing before the first epoch ends. */
  public void draw() {
    Path epochsCsv = runDir.resolve(CsvLogger.EPOCHS);
    if (!Files.exists(epochsCsv)) {
      return;
    }
    try {
      List<XYChart> charts = charts(read(epochsCsv), read(runDir.resolve(CsvLogger.STEPS)),
          read(runDir.resolve(CsvLogger.VALIDATIONS)));
      BufferedImage img = new BufferedImage(WIDTH * charts.size(), HEIGHT,
          BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      for (int i = 0; i < charts.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create(i * WIDTH, 0, WIDTH, HEIGHT);
        charts.get(i).paint(panel, WIDTH, HEIGHT);
        panel.dispose();
      }
      g.dispose();
      AtomicFiles.writeFile(runDir.resolve(FILE), tmp -> ImageIO.write(img, "png", tmp.toFile()));
      for (int i = 0; i < charts.size(); i++) {
        XYChart chart = charts.get(i);
        AtomicFiles.writeFile(runDir.resolve(SVG.get(i)), tmp -> {
          // XChart adds the extension itself.
          Path base = tmp.resolveSibling(tmp.getFileName() + "-chart");
          VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(),
              VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
          Files.move(base.resolveSibling(base.getFileName() + ".svg"), tmp,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw " + FILE, e);
    }
  }

  /** A CSV file's columns by header name (empty if the file is missing). */
  static java.util.Map<String, double[]> read(Path csv) throws IOException {
    java.util.Map<String, double[]> cols = new java.util.LinkedHashMap<>();
    if (!Files.exists(csv)) {
      return cols;
    }
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",");
    for (int c = 0; c < header.length; c++) {
      double[] v = new double[lines.size() - 1];
      for (int r = 1; r < lines.size(); r++) {
        String f = lines.get(r).split(",")[c];
        v[r - 1] = f.equals("true") ? 1 : f.equals("false") ? 0 : Double.parseDouble(f);
      }
      cols.put(header[c], v);
    }
    return cols;
  }

  /** The loss, error and learning-rate charts. */
  static List<XYChart> charts(java.util.Map<String, double[]> epochs,
      java.util.Map<String, double[]> steps, java.util.Map<String, double[]> validations) {
    List<XYChart> out = new ArrayList<>();
    XYChart loss = chart("Training loss", "step", "loss");
    if (steps.containsKey("loss")) {
      double[] s = steps.get("step"), l = steps.get("loss");
      line(loss, "batch loss", s, l, 0).setLineWidth(1f);
      line(loss, "smoothed", s, smooth(l), 1);
    }
    line(loss, "epoch mean", epochs.get("step"), epochs.get("train_loss"), 2)
        .setMarker(SeriesMarkers.CIRCLE);
    // Log scale once the loss spans a decade (its axis labels are powers of ten).
    loss.getStyler().setYAxisLogarithmic(allPositive(loss) && span(loss) >= 10);
    loss.getStyler().setXAxisMin(0.0); // ticks at round steps, not at the first logged one
    out.add(loss);

    XYChart error = chart("Error", "epoch", "error");
    double[] epoch = epochs.get("epoch");
    line(error, "train top-1", epoch, epochs.get("train_top1_error"), 0)
        .setMarker(SeriesMarkers.CIRCLE);
    if (epochs.containsKey("train_top5_error")) {
      XYSeries t5 = line(error, "train top-5", epoch, epochs.get("train_top5_error"), 0);
      t5.setMarker(SeriesMarkers.SQUARE);
      t5.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
    }
    line(error, "val top-1", epoch, epochs.get("val_top1_error"), 1)
        .setMarker(SeriesMarkers.CIRCLE);
    line(error, "val top-5", epoch, epochs.get("val_top5_error"), 2)
        .setMarker(SeriesMarkers.CIRCLE);
    if (validations.containsKey("epochs") && validations.get("epochs").length > 0) {
      // --val-every: validation inside the epochs at fractional epochs, joined by the epochs'
      // own validations into one curve.
      double[][] merged = merge(validations.get("epochs"), validations.get("val_top1_error"),
          epoch, epochs.get("val_top1_error"));
      line(error, "val top-1 (steps)", merged[0], merged[1], 3)
          .setMarker(SeriesMarkers.DIAMOND);
    }
    error.getStyler().setYAxisMin(0.0);
    out.add(error);

    XYChart lr = chart("Learning rate", "step", "learning rate");
    // By logged step; a run that logged no steps has the rate after each epoch.
    boolean bySteps = steps.containsKey("learning_rate") && steps.get("step").length > 0;
    double[] s = bySteps ? steps.get("step") : epochs.get("step");
    double[] r = bySteps ? steps.get("learning_rate") : epochs.get("next_learning_rate");
    if (s.length > 0) {
      line(lr, "learning rate", s, r, 0).setMarker(bySteps ? SeriesMarkers.NONE
          : SeriesMarkers.CIRCLE);
      List<Double> cutAt = new ArrayList<>(), cutTo = new ArrayList<>();
      for (int i = 1; i < r.length; i++) {
        if (r[i] < r[i - 1]) {
          cutAt.add(s[i]);
          cutTo.add(r[i]);
        }
      }
      if (!cutAt.isEmpty()) {
        XYSeries cuts = lr.addSeries("cut", cutAt, cutTo);
        cuts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        cuts.setMarker(SeriesMarkers.DIAMOND);
        cuts.setMarkerColor(COLOURS[3]);
      }
      lr.getStyler().setYAxisLogarithmic(allPositive(lr) && span(lr) >= 10);
      lr.getStyler().setXAxisMin(0.0);
    }
    out.add(lr);
    return out;
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
        .yAxisTitle(y).build();
    Styler s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    // Below the plot, where it cannot hide a point (a one-epoch run's sit in the corner).
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    c.getStyler().setToolTipsEnabled(false);
    return c;
  }

  private static XYSeries line(XYChart c, String name, double[] x, double[] y, int colour) {
    XYSeries s = c.addSeries(name, x, y);
    s.setLineColor(COLOURS[colour]);
    s.setMarkerColor(COLOURS[colour]);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /** Two series' points as one, in order of x. */
  static double[][] merge(double[] x1, double[] y1, double[] x2, double[] y2) {
    Integer[] order = new Integer[x1.length + x2.length];
    double[] x = new double[order.length], y = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      x[i] = i < x1.length ? x1[i] : x2[i - x1.length];
      y[i] = i < x1.length ? y1[i] : y2[i - x1.length];
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> x[i]));
    double[][] out = new double[2][order.length];
    for (int i = 0; i < order.length; i++) {
      out[0][i] = x[order[i]];
      out[1][i] = y[order[i]];
    }
    return out;
  }

  /** Exponential smoothing, corrected for its start (as TensorBoard's). */
  static double[] smooth(double[] v) {
    double[] out = new double[v.length];
    double last = 0, weight = 0;
    for (int i = 0; i < v.length; i++) {
      last = SMOOTHING * last + (1 - SMOOTHING) * v[i];
      weight = SMOOTHING * weight + (1 - SMOOTHING);
      out[i] = last / weight;
    }
    return out;
  }

  /** Largest over smallest y value of all the chart's series. */
  private static double span(XYChart c) {
    double lo = Double.MAX_VALUE, hi = 0;
    for (XYSeries s : c.getSeriesMap().values()) {
      for (double y : s.getYData()) {
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
    }
    return hi / lo;
  }

  private static boolean allPositive(XYChart c) {
    return c.getSeriesMap().values().stream().allMatch(s -> {
      for (double y : s.getYData()) {
        if (!(y > 0)) {
          return false;
        }
      }
      return true;
    });
  }
}
