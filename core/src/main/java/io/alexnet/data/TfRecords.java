package io.alexnet.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TensorFlow's record framing (TFRecord files, event files): little-endian uint64 length, its
 * masked CRC-32C, the bytes, their masked CRC-32C.
 */
public final class TfRecords {
  private TfRecords() {}

  public static final int HEADER = 12;
  public static final int FOOTER = 4;

  /** CRC-32C, rotated and offset as TensorFlow stores it. */
  public static int maskedCrc(byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(data, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  /** Writes one framed record. */
  public static void write(OutputStream out, byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc(header.array(), 0, 8));
    out.write(header.array());
    out.write(data);
    ByteBuffer footer = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc(data, 0, data.length));
    out.write(footer.array());
  }

  /** The data length in a header, or -1 when the header's CRC does not match. */
  public static long length(byte[] header) {
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    long len = b.getLong(0);
    return b.getInt(8) == maskedCrc(header, 0, 8) ? len : -1;
  }

  /** Whether {@code crc} (the 4 bytes after the data, little-endian) matches {@code data}. */
  public static boolean dataOk(byte[] data, byte[] crc) {
    int want = ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return want == maskedCrc(data, 0, data.length);
  }
}
