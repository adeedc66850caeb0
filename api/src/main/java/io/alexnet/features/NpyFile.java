package io.alexnet.features;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A float32 matrix in NumPy's {@code .npy} format (version 1.0), written row by row: the
 * header's row count is filled in on {@link #close}, so rows can stream to disk without being
 * counted first. {@code numpy.load} reads the result.
 *
 * <p>The format: the bytes {@code \x93NUMPY}, version 1 0, a little-endian 16-bit header
 * length, then a Python dict literal ({@code descr '<f4'}, {@code fortran_order False},
 * {@code shape (rows, columns)}) padded with spaces and ended by a newline so the data starts
 * at a multiple of 64 bytes, then the values row-major, little-endian.
 */
public final class NpyFile implements AutoCloseable {
  /** Room for any header this class writes: magic, version, length, dict and padding. */
  static final int HEADER = 128;

  private final Path file;
  private final int columns;
  private final OutputStream out;
  private final ByteBuffer row;
  private long rows;

  /**
   * @param file the .npy file to write (its header is completed on {@link #close})
   * @param columns values per row
   * @throws IOException if the file cannot be created
   */
  public NpyFile(Path file, int columns) throws IOException {
    this.file = file;
    this.columns = columns;
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    out.write(new byte[HEADER]); // replaced by the real header on close
    this.row = ByteBuffer.allocate(columns * 4).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Appends {@code values[offset, offset + columns)} as one row.
   *
   * @param values holds the row
   * @param offset where in {@code values} the row starts
   * @throws IOException if writing fails
   */
  public void write(float[] values, int offset) throws IOException {
    row.clear();
    row.asFloatBuffer().put(values, offset, columns);
    out.write(row.array());
    rows++;
  }

  /** @return rows written so far */
  public long rows() {
    return rows;
  }

  static byte[] header(long rows, int columns) {
    String dict = String.format(Locale.ROOT,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, columns);
    int len = HEADER - 10; // after magic (6), version (2) and the length field (2)
    StringBuilder sb = new StringBuilder(dict);
    while (sb.length() < len - 1) {
      sb.append(' ');
    }
    sb.append('\n');
    byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
        .put((byte) 0).putShort((short) len).put(text);
    return b.array();
  }

  @Override
  public void close() throws IOException {
    out.close();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write(header(rows, columns));
    }
  }
}
