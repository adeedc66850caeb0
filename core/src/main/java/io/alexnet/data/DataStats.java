package io.alexnet.data;

import io.alexnet.io.AtomicFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * What the pre-processing learns from the training set once and the run keeps: the mean image
 * (Section 2) and the RGB colour PCA (Section 4.1).
 *
 * @param canvas side of the mean image
 * @param mean canvas x canvas x 3 mean, 0..255 units
 * @param pca colour PCA of 0..1 RGB values
 * @param images how many training images they were computed from
 */
public record DataStats(int canvas, float[] mean, ColorPca pca, int images) {

  private static final int MAGIC = 0x414c5853; // "ALXS"

  /** Standard deviation of pixel values over the set, 0..255 units (from the colour PCA). */
  public double pixelStd() {
    double[] l = pca.eigenvalues();
    return Math.sqrt((l[0] + l[1] + l[2]) / 3) * 255;
  }

  /**
   * Computes the statistics over up to {@code maxImages} training images spread evenly over the
   * set (all of them if maxImages <= 0). Unreadable images are skipped.
   */
  public static DataStats compute(Dataset data, Preprocessor pre, int maxImages) {
    int n = maxImages <= 0 ? data.size() : Math.min(maxImages, data.size());
    int canvas = pre.canvas();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    double[][] sums = new double[threads][canvas * canvas * 3];
    double[][] moments = new double[threads][9]; // sum of r,g,b and of their products
    long[] pixels = new long[threads];
    AtomicInteger used = new AtomicInteger();
    IntStream.range(0, threads).parallel().forEach(t -> {
      for (int k = t; k < n; k += threads) {
        int index = (int) ((long) k * data.size() / n);
        float[] c;
        try {
          c = pre.centralSquare(data.get(index).image());
        } catch (BadExampleException e) {
          continue;
        }
        used.incrementAndGet();
        double[] s = sums[t], m = moments[t];
        for (int i = 0; i < c.length; i++) {
          s[i] += c[i];
        }
        for (int i = 0; i < c.length; i += 3) {
          double r = c[i] / 255.0, g = c[i + 1] / 255.0, b = c[i + 2] / 255.0;
          m[0] += r;
          m[1] += g;
          m[2] += b;
          m[3] += r * r;
          m[4] += r * g;
          m[5] += r * b;
          m[6] += g * g;
          m[7] += g * b;
          m[8] += b * b;
        }
        pixels[t] += c.length / 3;
      }
    });
    int count = used.get();
    if (count == 0) {
      throw new IllegalStateException("no readable training images to compute the mean from");
    }
    float[] mean = new float[canvas * canvas * 3];
    double[] m = new double[9];
    long px = 0;
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += (float) (sums[t][i] / count);
      }
      for (int i = 0; i < 9; i++) {
        m[i] += moments[t][i];
      }
      px += pixels[t];
    }
    double[] mu = {m[0] / px, m[1] / px, m[2] / px};
    double[][] cov = new double[3][3];
    int[][] idx = {{3, 4, 5}, {4, 6, 7}, {5, 7, 8}};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        cov[i][j] = m[idx[i][j]] / px - mu[i] * mu[j];
      }
    }
    return new DataStats(canvas, mean, ColorPca.ofCovariance(cov), count);
  }

  /** Writes atomically (temporary file, then rename). */
  public void save(Path file) throws IOException {
    AtomicFiles.writeFile(file, tmp -> {
      try (DataOutputStream out = new DataOutputStream(
          new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
        out.writeInt(MAGIC);
        out.writeInt(canvas);
        out.writeInt(images);
        for (float v : mean) {
          out.writeFloat(v);
        }
        for (int i = 0; i < 3; i++) {
          out.writeDouble(pca.eigenvalues()[i]);
          for (int k = 0; k < 3; k++) {
            out.writeDouble(pca.eigenvectors()[i][k]);
          }
        }
      }
    });
  }

  public static DataStats load(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(
        new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      long size = Files.size(file);
      if (size < 12 || in.readInt() != MAGIC) {
        throw new IOException(file + " is not a data-statistics file");
      }
      int canvas = in.readInt();
      int images = in.readInt();
      // The canvas must account for the file's length exactly: a damaged one must not size
      // the mean image.
      long expected = 12 + 12L * canvas * canvas + 3 * 4 * 8;
      if (canvas < 1 || canvas > 1 << 13 || size != expected) {
        throw new IOException(file + " is damaged: " + size + " bytes, which does not fit"
            + " its " + canvas + "x" + canvas + " mean image");
      }
      float[] mean = new float[canvas * canvas * 3];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = in.readFloat();
      }
      double[] values = new double[3];
      double[][] vectors = new double[3][3];
      for (int i = 0; i < 3; i++) {
        values[i] = in.readDouble();
        for (int k = 0; k < 3; k++) {
          vectors[i][k] = in.readDouble();
        }
      }
      return new DataStats(canvas, mean, new ColorPca(values, vectors), images);
    }
  }
}
