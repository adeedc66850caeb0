package io.alexnet.data;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/**
 * Fashion-MNIST-like data the tests make: 28x28 grayscale images of four shapes (horizontal
 * bar, vertical bar, box outline, diagonal) at random positions with noise, and writers for
 * every format the readers take.
 */
public final class Synthetic {
  private Synthetic() {}

  public static final int SIDE = 28;
  public static final int CLASSES = 4;

  /** n images of SIDE x SIDE gray pixels, with labels cycling through the classes. */
  public static byte[][] images(int n, long seed, int[] labels) {
    Random rnd = new Random(seed);
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES;
      out[i] = shape(labels[i], rnd);
    }
    return out;
  }

  static byte[] shape(int label, Random rnd) {
    double[] px = new double[SIDE * SIDE];
    for (int i = 0; i < px.length; i++) {
      px[i] = 30 * rnd.nextDouble();
    }
    int cx = 8 + rnd.nextInt(12), cy = 8 + rnd.nextInt(12);
    for (int d = -6; d <= 6; d++) {
      for (int w = -1; w <= 1; w++) {
        switch (label) {
          case 0 -> set(px, cx + d, cy + w);
          case 1 -> set(px, cx + w, cy + d);
          case 2 -> {
            if (w == 0) {
              set(px, cx + d, cy - 6);
              set(px, cx + d, cy + 6);
              set(px, cx - 6, cy + d);
              set(px, cx + 6, cy + d);
            }
          }
          default -> set(px, cx + d + w, cy + d);
        }
      }
    }
    byte[] b = new byte[px.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Math.min(255, Math.round(px[i]));
    }
    return b;
  }

  private static void set(double[] px, int x, int y) {
    if (x >= 0 && y >= 0 && x < SIDE && y < SIDE) {
      px[y * SIDE + x] = 230;
    }
  }

  /** Writes {prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz]. */
  public static void writeIdx(Path dir, String prefix, byte[][] images, int[] labels,
      boolean gzip) throws IOException {
    Files.createDirectories(dir);
    String ext = gzip ? ".gz" : "";
    try (DataOutputStream out = new DataOutputStream(
        open(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gzip))) {
      out.writeInt(0x803);
      out.writeInt(images.length);
      out.writeInt(SIDE);
      out.writeInt(SIDE);
      for (byte[] im : images) {
        out.write(im);
      }
    }
    try (DataOutputStream out = new DataOutputStream(
        open(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gzip))) {
      out.writeInt(0x801);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.write(l);
      }
    }
  }

  private static OutputStream open(Path p, boolean gzip) throws IOException {
    OutputStream o = Files.newOutputStream(p);
    return gzip ? new GZIPOutputStream(o) : o;
  }

  /** Encodes gray pixels (or an RGB tint of them) as "png" or "jpg". */
  public static byte[] encode(byte[] gray, int w, int h, boolean color, String format)
      throws IOException {
    BufferedImage img = new BufferedImage(w, h,
        color ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = gray[y * w + x] & 0xff;
        if (color) {
          img.setRGB(x, y, (v << 16) | ((v / 2) << 8) | (255 - v));
        } else {
          img.getRaster().setSample(x, y, 0, v);
        }
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, bytes)) {
      throw new IOException("no writer for " + format);
    }
    return bytes.toByteArray();
  }

  /** A tf.train.Example as TensorFlow's ImageNet tooling writes it. */
  public static byte[] example(byte[] encoded, long label) {
    return org.tensorflow.proto.Example.newBuilder()
        .setFeatures(Features.newBuilder()
            .putFeature(TfRecordDataset.IMAGE_KEY, Feature.newBuilder()
                .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(encoded)))
                .build())
            .putFeature(TfRecordDataset.LABEL_KEY, Feature.newBuilder()
                .setInt64List(Int64List.newBuilder().addValue(label)).build()))
        .build().toByteArray();
  }

  /**
   * A PNG signature and a valid IHDR chunk (its CRC included) claiming {@code w} x {@code h}
   * pixels, with no image data behind it: a header that lies about the size.
   */
  public static byte[] pngHeader(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17)
        .put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0});
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(ihdr.array());
    d.writeInt(13);
    d.write(ihdr.array());
    d.writeInt((int) crc.getValue());
    return out.toByteArray();
  }
}
