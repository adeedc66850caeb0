package io.alexnet.report;

import io.alexnet.io.AtomicFiles;
import io.alexnet.train.History;
import io.alexnet.train.TrainingListener;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * {@code training.png}: the loss by step on the left (every logged step, and each epoch's mean),
 * top-1 and top-5 error per epoch on the right. Redrawn after every epoch (a stopped run still
 * has its plot), from the CSV files, so a resumed run's plot covers the whole run.
 */
public final class TrainingPlot implements TrainingListener {
  public static final String FILE = "training.png";
  private final Path runDir;

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

  /** Draws from epochs.csv; does nothing before the first epoch ends. */
  public void draw() {
    Path csv = runDir.resolve(CsvLogger.EPOCHS);
    if (!Files.exists(csv)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(csv);
      int n = lines.size() - 1;
      double[] epoch = new double[n], epochStep = new double[n], loss = new double[n];
      double[] trainErr = new double[n], top1 = new double[n], top5 = new double[n];
      for (int i = 0; i < n; i++) {
        String[] f = lines.get(i + 1).split(",");
        epoch[i] = Double.parseDouble(f[0]);
        epochStep[i] = Double.parseDouble(f[1]);
        loss[i] = Double.parseDouble(f[2]);
        trainErr[i] = Double.parseDouble(f[3]);
        top1[i] = Double.parseDouble(f[4]);
        top5[i] = Double.parseDouble(f[5]);
      }
      BufferedImage img = new BufferedImage(1200, 450, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      List<LineChart.Series> losses = new ArrayList<>();
      Path steps = runDir.resolve(CsvLogger.STEPS);
      if (Files.exists(steps)) {
        List<String> rows = Files.readAllLines(steps);
        double[] step = new double[rows.size() - 1], stepLoss = new double[rows.size() - 1];
        for (int i = 1; i < rows.size(); i++) {
          String[] f = rows.get(i).split(",");
          step[i - 1] = Double.parseDouble(f[1]);
          stepLoss[i - 1] = Double.parseDouble(f[2]);
        }
        losses.add(new LineChart.Series("batch loss", step, stepLoss));
      }
      losses.add(new LineChart.Series("epoch mean", epochStep, loss));
      LineChart.draw(g, 0, 0, 600, 450, "Training loss", "step", losses);
      List<LineChart.Series> errors = new ArrayList<>();
      errors.add(new LineChart.Series("train top-1 error", epoch, trainErr));
      errors.add(new LineChart.Series("val top-1 error", epoch, top1));
      errors.add(new LineChart.Series("val top-5 error", epoch, top5));
      LineChart.draw(g, 600, 0, 600, 450, "Error", "epoch", errors);
      g.dispose();
      AtomicFiles.writeFile(runDir.resolve(FILE), tmp -> ImageIO.write(img, "png", tmp.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw " + FILE, e);
    }
  }
}
