package io.alexnet.api;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.eval.EvalOptions;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.features.Nearest;
import io.alexnet.features.NpyFile;
import io.alexnet.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One layer's activations as image features, from {@link Model#features}: Section 6.1 compares
 * images by their last hidden layer's (fc7). A row per image: the towers' maps joined along
 * the channels (tower A's first) and flattened row, column, channel. Shares the model's
 * session: valid while the model is open.
 */
public final class Features {
  private final InferenceNetwork net;
  private final Preprocessor pre;
  private final String layer;
  private final int width;

  Features(InferenceNetwork net, Preprocessor pre, String layer) {
    this.net = net;
    this.pre = pre;
    this.layer = layer;
    this.width = net.layerWidth(layer);
  }

  /** Hears how a pass over a dataset goes. */
  public interface Listener {
    /**
     * Images looked at so far (readable or not) of {@code total}.
     *
     * @param done images looked at so far
     * @param total images in the pass
     */
    default void progress(int done, int total) {}

    /**
     * An image that could not be read, and why; the pass goes on without it.
     *
     * @param problem what is wrong with the image, naming it
     */
    default void skipped(String problem) {}
  }

  /**
   * Receives each batch's readable images: their positions in the dataset, names and labels,
   * and their rows of features.
   */
  @FunctionalInterface
  public interface Rows {
    /**
     * @param positions the images' indices in the dataset
     * @param names their names (file paths, or the data set's own names)
     * @param labels their labels (-1 where the data has none)
     * @param values one row of {@link #width()} values per image, row-major
     * @throws IOException if writing them fails
     */
    void accept(int[] positions, String[] names, int[] labels, float[] values)
        throws IOException;
  }

  /**
   * How many images gave a row, and how many could not be read.
   *
   * @param rows images with a row
   * @param skipped images that could not be read
   */
  public record Count(int rows, int skipped) {}

  /**
   * The layer's name.
   *
   * @return the layer's name, as the summary lists it
   */
  public String layer() {
    return layer;
  }

  /**
   * Values per image.
   *
   * @return values per image
   */
  public int width() {
    return width;
  }

  /**
   * Rows of {@link #width()} values for {@code n} pre-processed NHWC images.
   *
   * @param images NHWC [n, size, size, 3], pre-processed as the model's input
   * @param n how many images
   * @return [n, width], row-major
   */
  public float[] rows(float[] images, int n) {
    return Model.run(() -> net.layer(layer, images, n));
  }

  /**
   * The row of one image.
   *
   * @param image any size; it is pre-processed as the model's input
   * @return the image's row
   */
  public float[] of(BufferedImage image) {
    float[] x = new float[pre.crop() * pre.crop() * 3];
    pre.centralCropInto(RgbImage.of(image), x, 0);
    return rows(x, 1);
  }

  /**
   * The rows of every readable image of {@code data}, a batch at a time, in order, to {@code
   * rows}; unreadable images go to the listener and are skipped.
   *
   * @param data the images
   * @param options batch size and decoding threads
   * @param rows receives each batch's rows
   * @param listener told the progress and each unreadable image
   * @return how many rows, how many skipped
   * @throws IOException if {@code rows} fails
   */
  public Count extract(Dataset data, EvalOptions options, Rows rows, Listener listener)
      throws IOException {
    int done = 0;
    int skipped = 0;
    try (BatchLoader l = BatchLoader.evaluation(data, pre, options.batchSize(),
        options.workers())) {
      while (l.hasNext()) {
        BatchLoader.Batch b = l.next();
        skipped += b.bad();
        b.problems().forEach(listener::skipped);
        if (b.size() > 0) {
          String[] names = new String[b.size()];
          for (int i = 0; i < b.size(); i++) {
            names[i] = data.name(b.indices()[i]);
          }
          rows.accept(Arrays.copyOf(b.indices(), b.size()), names, b.labels(),
              rows(b.images(), b.size()));
          done += b.size();
        }
        listener.progress(done + skipped, data.size());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Count(done, skipped);
  }

  /**
   * Writes a row per readable image of {@code data} to {@code out}: NumPy's {@code .npy}
   * (float32 [rows, width]; the names and labels to {@code out.tsv} beside it), or, for a
   * {@code .csv} name, CSV with the name and label first. The files are written under
   * temporary names and renamed at the end: a crash leaves no half file.
   *
   * @throws AlexNetException if {@code out} exists already, or is named neither .npy nor .csv
   *
   * @param data the images
   * @param out FILE.npy or FILE.csv
   * @param options batch size and decoding threads
   * @param listener told the progress and each unreadable image
   * @return how many rows, how many skipped
   */
  public Count write(Dataset data, Path out, EvalOptions options, Listener listener) {
    String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!name.endsWith(".npy") && !name.endsWith(".csv")) {
      throw new AlexNetException("features are written to FILE.npy or FILE.csv, not " + out);
    }
    if (Files.exists(out)) {
      throw new AlexNetException(out + " already exists: remove it or pick another name");
    }
    List<String> classes = data.classNames();
    Count[] done = {null};
    try {
      if (name.endsWith(".csv")) {
        AtomicFiles.writeFile(out, tmp -> {
          try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("name,label");
            for (int c = 0; c < width; c++) {
              w.write("," + layer + "_" + c);
            }
            w.write('\n');
            done[0] = extract(data, options, (positions, names, labels, values) -> {
              for (int i = 0; i < names.length; i++) {
                w.write(csv(names[i]) + "," + csv(label(classes, labels[i])));
                for (int c = 0; c < width; c++) {
                  w.write(',');
                  w.write(Float.toString(values[i * width + c]));
                }
                w.write('\n');
              }
            }, listener);
          }
        });
        return done[0];
      }
      // The names file goes first and is replaced if there (a crash between the two leaves it
      // behind); the features file is the one that says the work is done.
      AtomicFiles.writeFile(out, tmpOut -> AtomicFiles.writeFile(namesFile(out), tmpNames -> {
        try (NpyFile f = new NpyFile(tmpOut, width);
            BufferedWriter w = Files.newBufferedWriter(tmpNames, StandardCharsets.UTF_8)) {
          w.write("name\tlabel\n");
          done[0] = extract(data, options, (positions, names, labels, values) -> {
            for (int i = 0; i < names.length; i++) {
              f.write(values, i * width);
              w.write(names[i] + "\t" + label(classes, labels[i]) + "\n");
            }
          }, listener);
        }
      }));
      return done[0];
    } catch (IOException e) {
      throw new AlexNetException("could not write " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where {@link #write} puts the names and labels of a {@code .npy} file's rows.
   *
   * @param npy a features file
   * @return FILE.npy.tsv beside it
   */
  public static Path namesFile(Path npy) {
    return npy.resolveSibling(npy.getFileName() + ".tsv");
  }

  /**
   * The rows of a set of images, kept in memory to search.
   *
   * @param data the images
   * @param options batch size and decoding threads
   * @param listener told the progress and each unreadable image
   * @return every readable image's row
   */
  public Index index(Dataset data, EvalOptions options, Listener listener) {
    List<String> names = new ArrayList<>();
    List<Integer> indices = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    try {
      extract(data, options, (positions, n, labels, values) -> {
        for (int i = 0; i < n.length; i++) {
          indices.add(positions[i]);
          names.add(n[i]);
          rows.add(Arrays.copyOfRange(values, i * width, (i + 1) * width));
        }
      }, listener);
    } catch (IOException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
    return new Index(List.copyOf(names), List.copyOf(indices), List.copyOf(rows));
  }

  /**
   * Rows of features with the names of their images, searched by Euclidean distance, nearest
   * first (the paper's Figure 4).
   *
   * @param names each row's image name
   * @param positions each row's index in the dataset it came from
   * @param rows the rows, each of the layer's width
   */
  public record Index(List<String> names, List<Integer> positions, List<float[]> rows) {

    /**
     * A row of the index, its image's name and its distance to the query.
     *
     * @param row the row's index in the index
     * @param name its image's name
     * @param distance the Euclidean distance to the query
     */
    public record Hit(int row, String name, double distance) {}

    /**
     * The {@code k} rows nearest {@code query}, leaving out rows of an image named {@code skip}.
     *
     * @param query a row of the same layer
     * @param k how many
     * @param skip the name of an image never to return (the query's own), or ""
     * @return the nearest rows, nearest first
     */
    public List<Hit> nearest(float[] query, int k, String skip) {
      List<Hit> out = new ArrayList<>();
      for (Nearest.Hit h : Nearest.of(query, rows, k + 1)) {
        if (!names.get(h.row()).equals(skip) && out.size() < k) {
          out.add(new Hit(h.row(), names.get(h.row()), h.distance()));
        }
      }
      return out;
    }

    /** @return the number of rows */
    public int size() {
      return rows.size();
    }
  }

  private static String label(List<String> classes, int label) {
    return label >= 0 && label < classes.size() ? classes.get(label) : "";
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
