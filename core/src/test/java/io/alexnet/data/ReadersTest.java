package io.alexnet.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reader on data the test writes, good and bad: bad examples are skipped and counted. */
class ReadersTest {
  @TempDir Path tmp;

  /** Reads every example; returns {good, bad}. */
  static int[] readAll(Dataset d) {
    int good = 0, bad = 0;
    for (int i = 0; i < d.size(); i++) {
      try {
        Example e = d.get(i);
        assertTrue(e.label() >= 0 && e.label() < d.numClasses());
        good++;
      } catch (BadExampleException e) {
        bad++;
      }
    }
    return new int[] {good, bad + d.badAtOpen()};
  }

  @Test
  void idxGzipAndPlainReadBackExactly() throws IOException {
    int[] labels = new int[20];
    byte[][] images = Synthetic.images(20, 1, labels);
    for (boolean gz : new boolean[] {true, false}) {
      Path dir = tmp.resolve(gz ? "gz" : "raw");
      Synthetic.writeIdx(dir, "train", images, labels, gz);
      FashionMnist d = FashionMnist.open(dir, FashionMnist.Split.TRAIN);
      assertEquals(20, d.size());
      // Every image, every pixel, every channel (grey is copied to R, G and B).
      for (int i = 0; i < 20; i++) {
        int index = i;
        Example e = assertDoesNotThrow(() -> d.get(index));
        assertEquals(labels[i], e.label());
        assertEquals(28, e.image().width());
        assertEquals(28, e.image().height());
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            for (int c = 0; c < 3; c++) {
              assertEquals(images[i][y * 28 + x] & 0xff, e.image().at(x, y, c),
                  "image " + i + " at " + x + "," + y);
            }
          }
        }
      }
    }
  }

  @Test
  void idxTruncatedFileAndWrongLabelsAreCounted() throws IOException {
    int[] labels = new int[10];
    byte[][] images = Synthetic.images(10, 2, labels);
    labels[4] = 42; // not a Fashion-MNIST class
    Path dir = tmp.resolve("idx");
    Synthetic.writeIdx(dir, "train", images, labels, false);
    Path img = dir.resolve("train-images-idx3-ubyte");
    byte[] all = Files.readAllBytes(img);
    Files.write(img, java.util.Arrays.copyOf(all, all.length - 28 * 28 * 2 - 100));
    FashionMnist d = FashionMnist.open(dir, FashionMnist.Split.TRAIN);
    assertEquals(7, d.size()); // two whole images and part of a third are gone
    assertEquals(3, d.badAtOpen());
    assertArrayEquals(new int[] {6, 4}, readAll(d)); // plus the wrong label
  }

  @Test
  void idxWithAWrongMagicIsRefusedWithTheReason() throws IOException {
    Path dir = tmp.resolve("bad");
    Files.createDirectories(dir);
    Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    IOException e = assertThrows(IOException.class,
        () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
    assertTrue(e.getMessage().contains("not an IDX image file"), e.getMessage());
  }

  /**
   * The raster copy of 3-byte BGR images against {@code getRGB}, the plain conversion it
   * replaces: equal bytes for decoded JPEGs and PNGs, and for a sub-image, whose raster is
   * shared and offset (the general path).
   */
  @Test
  void decodedColourImagesMatchGetRgbByteForByte() throws IOException {
    java.util.Random rnd = new java.util.Random(5);
    java.awt.image.BufferedImage src = new java.awt.image.BufferedImage(61, 37,
        java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 37; y++) {
      for (int x = 0; x < 61; x++) {
        src.setRGB(x, y, rnd.nextInt(1 << 24));
      }
    }
    for (String format : new String[] {"jpg", "png"}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      assertTrue(javax.imageio.ImageIO.write(src, format, bytes));
      java.awt.image.BufferedImage ref = javax.imageio.ImageIO.read(
          new java.io.ByteArrayInputStream(bytes.toByteArray()));
      assertEquals(java.awt.image.BufferedImage.TYPE_3BYTE_BGR, ref.getType(), format);
      RgbImage got = assertDoesNotThrow(() -> RgbImage.decode(bytes.toByteArray()));
      assertArrayEquals(viaGetRgb(ref), got.rgb(), format);
    }
    java.awt.image.BufferedImage sub = src.getSubimage(7, 5, 30, 20);
    assertArrayEquals(viaGetRgb(sub), RgbImage.of(sub).rgb(), "sub-image");
  }

  private static byte[] viaGetRgb(java.awt.image.BufferedImage img) {
    int w = img.getWidth(), h = img.getHeight();
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = img.getRGB(x, y), i = (y * w + x) * 3;
        out[i] = (byte) (p >> 16);
        out[i + 1] = (byte) (p >> 8);
        out[i + 2] = (byte) p;
      }
    }
    return out;
  }

  /**
   * Length fields that lie. Each header claims far more than its file holds; the reader
   * refuses it, or reads what is there, from the header alone. The test JVM's heap is 4 GB,
   * so a buffer sized by any of these claims (1.6 TB, 1 EB, 30 GB of pixels) would fail here
   * with an OutOfMemoryError rather than pass.
   */
  @Test
  void headersClaimingHugeSizesAreRefusedBeforeAllocating() throws IOException {
    int[] labels = new int[2];
    byte[][] images = Synthetic.images(2, 3, labels);
    Path dir = tmp.resolve("liar");
    Synthetic.writeIdx(dir, "t10k", images, labels, false);
    Path imageFile = dir.resolve("t10k-images-idx3-ubyte");
    byte[] bytes = Files.readAllBytes(imageFile);
    java.nio.ByteBuffer.wrap(bytes).putInt(4, Integer.MAX_VALUE); // 2^31 - 1 images
    Files.write(imageFile, bytes);
    IOException idx = assertThrows(IOException.class,
        () -> FashionMnist.open(dir, FashionMnist.Split.TEST));
    assertTrue(idx.getMessage().contains("claims 2147483647 images"), idx.getMessage());
    // A claim that fits an array but not the file: the images that are there, the rest counted.
    java.nio.ByteBuffer.wrap(bytes).putInt(4, 1_000_000);
    Files.write(imageFile, bytes);
    FashionMnist d = FashionMnist.open(dir, FashionMnist.Split.TEST);
    assertEquals(2, d.size());
    assertEquals(1_000_000 - 2, d.badAtOpen());

    Path record = tmp.resolve("huge.tfrecord");
    java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(TfRecords.HEADER)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 60);
    h.putInt(TfRecords.maskedCrc(h.array(), 0, 8));
    Files.write(record, h.array());
    TfRecordDataset t = TfRecordDataset.open(record.toString(), 10, 0);
    assertEquals(0, t.size());
    assertEquals(1, t.badAtOpen());

    BadExampleException png = assertThrows(BadExampleException.class,
        () -> RgbImage.decode(Synthetic.pngHeader(100_000, 100_000)));
    assertTrue(png.getMessage().contains("claims 100000x100000 pixels"), png.getMessage());
  }

  @Test
  void imageFolderDecodesJpegAndPngAndSkipsCorruptFiles() throws IOException {
    int[] labels = new int[8];
    byte[][] images = Synthetic.images(8, 3, labels);
    for (int i = 0; i < 8; i++) {
      String cls = "class" + labels[i];
      Files.createDirectories(tmp.resolve(cls));
      boolean png = i % 2 == 0;
      Files.write(tmp.resolve(cls).resolve(i + (png ? ".png" : ".JPG")),
          Synthetic.encode(images[i], 28, 28, i % 3 == 0, png ? "png" : "jpg"));
    }
    Files.write(tmp.resolve("class1").resolve("broken.jpg"), new byte[] {(byte) 0xff,
        (byte) 0xd8, 1, 2, 3});
    Files.writeString(tmp.resolve("class2").resolve("notes.txt"), "ignored: not an image name");
    ImageFolder d = ImageFolder.open(tmp);
    assertEquals(List.of("class0", "class1", "class2", "class3"), d.classNames());
    assertEquals(9, d.size());
    assertArrayEquals(new int[] {8, 1}, readAll(d));
    // A grayscale PNG (class0/4.png, the second file of class0) reads back exactly, as three
    // equal channels.
    Example e = assertDoesNotThrow(() -> d.get(1));
    assertEquals(images[4][10 * 28 + 12] & 0xff, e.image().at(12, 10, 0));
    assertEquals(e.image().at(12, 10, 0), e.image().at(12, 10, 2));
  }

  @Test
  void tfRecordsWithGoodBadAndTruncatedRecords() throws IOException {
    int[] labels = new int[6];
    byte[][] images = Synthetic.images(6, 4, labels);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // ImageNet tooling numbers classes from 1.
      records.add(Synthetic.example(Synthetic.encode(images[i], 28, 28, true, "jpg"),
          labels[i] + 1));
    }
    records.set(2, Synthetic.example(Synthetic.encode(images[2], 28, 28, false, "png"), 99));
    records.set(3, "not a proto at all".getBytes());
    // shard 0: records 0..3 and one with a flipped data byte (CRC mismatch)
    ByteArrayOutputStream shard0 = new ByteArrayOutputStream();
    for (int i = 0; i < 4; i++) {
      TfRecords.write(shard0, records.get(i));
    }
    ByteArrayOutputStream corrupt = new ByteArrayOutputStream();
    TfRecords.write(corrupt, records.get(4));
    byte[] c = corrupt.toByteArray();
    c[TfRecords.HEADER + 10] ^= 0x55;
    shard0.write(c);
    Files.write(tmp.resolve("train-00000-of-00002"), shard0.toByteArray());
    // shard 1: record 5, then a record cut short
    ByteArrayOutputStream shard1 = new ByteArrayOutputStream();
    TfRecords.write(shard1, records.get(5));
    ByteArrayOutputStream cut = new ByteArrayOutputStream();
    TfRecords.write(cut, records.get(0));
    shard1.write(cut.toByteArray(), 0, 40);
    Files.write(tmp.resolve("train-00001-of-00002"), shard1.toByteArray());

    TfRecordDataset d = TfRecordDataset.open(tmp.resolve("train-*").toString(), 4, 1);
    assertEquals(6, d.size()); // the truncated one never makes it into the index
    assertEquals(1, d.badAtOpen());
    // good: 0, 1, 5; bad: wrong label (2), not a proto (3), CRC (4), truncated
    assertArrayEquals(new int[] {3, 4}, readAll(d));
    Example e = assertDoesNotThrow(() -> d.get(5));
    assertEquals(labels[5], e.label());
  }

  @Test
  void tfRecordFramingMatchesTensorFlowsKnownCrc() {
    // CRC-32C of "123456789" is 0xE3069283 (the standard check value); TF masks it.
    byte[] data = "123456789".getBytes();
    int crc = 0xE3069283;
    int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertEquals(masked, TfRecords.maskedCrc(data, 0, data.length));
  }

  @Test
  void dataSourcesRouteEachKind(@TempDir Path other) throws IOException {
    int[] labels = new int[4];
    byte[][] images = Synthetic.images(4, 5, labels);
    Synthetic.writeIdx(tmp, "t10k", images, labels, true);
    assertTrue(DataSources.open(tmp.toString(), true, 10, 0) instanceof FashionMnist);
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.open(other.resolve("nope").toString(), false, 10, 0));
    assertTrue(e.getMessage().contains("no such file or directory"), e.getMessage());
  }
}
