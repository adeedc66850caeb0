package io.alexnet.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (or MNIST) from IDX files, gzip-compressed or not: 28x28 grayscale images, held
 * in memory (47 MB for the training split). A truncated file yields the images it holds; the
 * missing ones and any label outside 0..9 are counted as bad.
 */
public final class FashionMnist implements Dataset {

  /** Where Debian's package dataset-fashion-mnist puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final List<String> CLASSES =
      List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
          "Sneaker", "Bag", "Ankle boot");

  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;
  /** The most pixel bytes one Java array holds. */
  private static final long MAX_PIXEL_BYTES = Integer.MAX_VALUE - 8;

  private final Path dir;
  private final Split split;
  private final int rows;
  private final int cols;
  private final byte[] pixels;
  private final byte[] labels;
  private final int count;
  private final int badAtOpen;

  private FashionMnist(Path dir, Split split, int rows, int cols, byte[] pixels, byte[] labels,
      int count, int badAtOpen) {
    this.dir = dir;
    this.split = split;
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
    this.labels = labels;
    this.count = count;
    this.badAtOpen = badAtOpen;
  }

  /** Opens a split from {@code dir}, which holds train-/t10k-images-idx3-ubyte[.gz] and labels. */
  public static FashionMnist open(Path dir, Split split) throws IOException {
    Path images = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labelFile = find(dir, split.prefix + "-labels-idx1-ubyte");
    int rows, cols, declared, declaredLabels;
    byte[] px, lb;
    int imagesRead, labelsRead;
    try (DataInputStream in = open(images)) {
      int[] header = header(in, images, 4, IMAGES_MAGIC, "image");
      declared = header[1];
      rows = header[2];
      cols = header[3];
      if (declared < 0 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 20) {
        throw new IOException(images + ": implausible header " + declared + "x" + rows + "x" + cols);
      }
      long claimed = (long) declared * rows * cols;
      if (claimed > MAX_PIXEL_BYTES) {
        throw new IOException(images + ": the header claims " + declared + " images of "
            + rows + "x" + cols + " (" + claimed + " bytes), more than one array holds");
      }
      // The header's count only caps the read: a damaged count must not size the buffer.
      px = readUpTo(in, (int) claimed);
      imagesRead = px.length / (rows * cols);
    }
    try (DataInputStream in = open(labelFile)) {
      int[] header = header(in, labelFile, 2, LABELS_MAGIC, "label");
      declaredLabels = header[1];
      if (declaredLabels < 0) {
        throw new IOException(labelFile + ": negative count " + declaredLabels);
      }
      lb = readUpTo(in, declaredLabels);
      labelsRead = lb.length;
    }
    int usable = Math.min(imagesRead, labelsRead);
    int bad = Math.max(declared, declaredLabels) - usable;
    return new FashionMnist(dir, split, rows, cols, px, lb, usable, bad);
  }

  /** The Debian package's copy, with a clear error saying how to get it when it is missing. */
  public static FashionMnist openDefault(Split split) throws IOException {
    if (!Files.isDirectory(DEBIAN_DIR)) {
      throw new IllegalStateException("Fashion-MNIST not found in " + DEBIAN_DIR
          + ": install it with `sudo apt-get install dataset-fashion-mnist`,"
          + " or pass --data DIR with the IDX files");
    }
    return open(DEBIAN_DIR, split);
  }

  private static Path find(Path dir, String base) throws IOException {
    for (String name : List.of(base + ".gz", base)) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    throw new IOException("no " + base + "[.gz] in " + dir);
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    in.mark(2);
    int b0 = in.read(), b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        in = new GZIPInputStream(in, 1 << 16);
      } catch (IOException e) {
        in.close();
        throw new IOException(p + " starts like a gzip file but its gzip header is damaged ("
            + e.getMessage() + ")");
      }
    }
    return new DataInputStream(in);
  }

  /**
   * The header's big-endian ints, the magic number first; a file too short to hold them is not
   * an IDX file.
   */
  private static int[] header(DataInputStream in, Path file, int ints, int magic, String kind)
      throws IOException {
    int[] v = new int[ints];
    try {
      for (int i = 0; i < ints; i++) {
        v[i] = in.readInt();
        if (i == 0 && v[0] != magic) {
          break;
        }
      }
    } catch (EOFException e) {
      throw new IOException(file + " is too short for an IDX header (" + 4 * ints + " bytes)");
    } catch (IOException e) {
      throw new IOException(file + ": the IDX header cannot be read (" + e.getMessage() + ")");
    }
    if (v[0] != magic) {
      throw new IOException(file + " is not an IDX " + kind + " file (magic "
          + Integer.toHexString(v[0]) + ", expected " + Integer.toHexString(magic) + ")");
    }
    return v;
  }

  /**
   * Up to {@code max} bytes, as many as the stream holds: a truncated file is not an error,
   * and the buffer grows with the bytes that arrive rather than with what a header claims.
   */
  private static byte[] readUpTo(InputStream in, int max) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    try {
      while (out.size() < max) {
        int r = in.read(chunk, 0, Math.min(chunk.length, max - out.size()));
        if (r < 0) {
          break;
        }
        out.write(chunk, 0, r);
      }
    } catch (IOException e) {
      // A truncated or corrupt gzip stream: keep what arrived.
    }
    return out.toByteArray();
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public List<String> classNames() {
    return CLASSES;
  }

  @Override
  public Example get(int index) throws BadExampleException {
    int label = checkLabel(labels[index] & 0xff);
    byte[] gray = new byte[rows * cols];
    System.arraycopy(pixels, index * rows * cols, gray, 0, gray.length);
    return new Example(RgbImage.fromGray(cols, rows, gray), label);
  }

  @Override
  public int badAtOpen() {
    return badAtOpen;
  }

  @Override
  public String describe() {
    return "Fashion-MNIST " + split.name().toLowerCase() + " (" + dir + "): " + count + " images "
        + cols + "x" + rows + (badAtOpen > 0 ? ", " + badAtOpen + " missing/truncated" : "");
  }
}
