package io.alexnet.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several files from one fuzzed input: each part but the last is prefixed by its length (two
 * bytes, big-endian), the last takes the rest. Plain enough that the seed writer builds seeds
 * for it directly, and short inputs still yield every part (empty ones).
 */
final class Parts {
  private Parts() {}

  static List<byte[]> split(byte[] data, int n) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    for (int i = 0; i < n - 1; i++) {
      int len = pos + 2 <= data.length ? ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff) : 0;
      pos = Math.min(pos + 2, data.length);
      int end = Math.min(pos + len, data.length);
      out.add(Arrays.copyOfRange(data, pos, end));
      pos = end;
    }
    out.add(Arrays.copyOfRange(data, pos, data.length));
    return out;
  }

  static byte[] join(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < parts.length; i++) {
      if (i < parts.length - 1) {
        if (parts[i].length > 0xffff) {
          throw new IllegalArgumentException("a part before the last is over 64 KiB");
        }
        out.write(parts[i].length >> 8);
        out.write(parts[i].length & 0xff);
      }
      out.writeBytes(parts[i]);
    }
    return out.toByteArray();
  }
}
