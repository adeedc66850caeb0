package io.alexnet.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B. */
public record RgbImage(int width, int height, byte[] rgb) {
  /**
   * The most pixels an image may claim: ImageNet's largest photos have about 20 million, and
   * a decoded image costs 11 bytes a pixel while it is converted.
   */
  public static final long MAX_PIXELS = 64_000_000;

  public RgbImage {
    if (width < 1 || height < 1 || rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "bad image: " + width + "x" + height + " with " + rgb.length + " bytes");
    }
  }

  /** Grayscale pixels copied to three channels (Section 2: grayscale images become RGB). */
  public static RgbImage fromGray(int width, int height, byte[] gray) {
    byte[] rgb = new byte[gray.length * 3];
    for (int i = 0; i < gray.length; i++) {
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
    }
    return new RgbImage(width, height, rgb);
  }

  /** Reads and decodes an image file; a failure names the file. */
  public static RgbImage read(java.nio.file.Path file) throws BadExampleException {
    byte[] bytes;
    try {
      bytes = java.nio.file.Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadExampleException("cannot read " + file + ": no such file");
    } catch (java.io.IOException e) {
      throw new BadExampleException("cannot read " + file + ": " + e.getMessage());
    }
    try {
      return decode(bytes);
    } catch (BadExampleException e) {
      throw new BadExampleException(file + ": " + e.getMessage());
    }
  }

  /**
   * Decodes JPEG, PNG, BMP or GIF bytes; refuses anything else or anything broken. The size
   * comes from the header first, so an image that claims more than {@link #MAX_PIXELS} pixels
   * is refused before a decoder allocates its raster.
   */
  public static RgbImage decode(byte[] encoded) throws BadExampleException {
    BufferedImage img;
    // In memory: ImageIO's default stream would copy the bytes to a temporary file first.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadExampleException(
            "not an image in a format Java can decode (JPEG, PNG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0), h = reader.getHeight(0);
        if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
          throw new BadExampleException("the image claims " + w + "x" + h + " pixels; images"
              + " up to " + MAX_PIXELS / 1_000_000 + " megapixels are read");
        }
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new BadExampleException("undecodable image: " + e);
    }
    return of(img);
  }

  /**
   * Converts any BufferedImage; grayscale samples are copied as they are, not gamma-mapped.
   * What ImageIO decodes JPEGs and most PNGs to (3-byte BGR, sRGB) is copied straight from the
   * raster, which hands the samples over in R, G, B order: the bytes {@code getRGB} gives,
   * without its per-pixel colour-model call, which took twice as long as decoding the JPEG.
   */
  public static RgbImage of(BufferedImage img) {
    int w = img.getWidth(), h = img.getHeight();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] gray = new byte[w * h];
      img.getRaster().getDataElements(0, 0, w, h, gray);
      return fromGray(w, h, gray);
    }
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] rgb = new byte[w * h * 3];
      byte[] bgr = packedBgr(img);
      if (bgr != null) {
        for (int i = 0; i < rgb.length; i += 3) {
          rgb[i] = bgr[i + 2];
          rgb[i + 1] = bgr[i + 1];
          rgb[i + 2] = bgr[i];
        }
      } else {
        img.getRaster().getDataElements(0, 0, w, h, rgb);
      }
      return new RgbImage(w, h, rgb);
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return new RgbImage(w, h, rgb);
  }

  /** The raster's own B, G, R bytes when they are packed row after row with nothing between. */
  private static byte[] packedBgr(BufferedImage img) {
    java.awt.image.WritableRaster r = img.getRaster();
    if (r.getDataBuffer() instanceof java.awt.image.DataBufferByte db && db.getNumBanks() == 1
        && db.getOffset() == 0
        && r.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm
        && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * img.getWidth()
        && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})
        && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
        && db.getSize() == 3 * img.getWidth() * img.getHeight()) {
      return db.getData();
    }
    return null;
  }

  public int at(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }
}
