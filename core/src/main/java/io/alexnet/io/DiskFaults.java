package io.alexnet.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A disk that fills up, for tests: after {@link #fillAfter(long)}, the bytes every atomic write
 * lands ({@link AtomicFiles}) count against the budget, and the write that crosses it is cut
 * short at the budget and fails as the operating system reports a full disk. Checkpoint
 * variables are written by TensorFlow's native code, which no Java hook reaches; they are
 * charged when they have landed in the temporary folder, so the failure arrives where a real
 * ENOSPC from TensorFlow would: inside the writer, before the rename. Off unless a test turns
 * it on.
 */
public final class DiskFaults {
  private static long budget = -1;

  private DiskFaults() {}

  /** From now on, fail the write that takes the bytes written past {@code bytes}. */
  public static synchronized void fillAfter(long bytes) {
    budget = bytes;
  }

  /** Back to a disk with room. */
  public static synchronized void clear() {
    budget = -1;
  }

  /** Charges what {@code written} (a file or a folder) holds; fails when over budget. */
  static synchronized void charge(Path written) throws IOException {
    if (budget < 0) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(written)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      long size = Files.size(f);
      if (size > budget) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          ch.truncate(budget);
        }
        budget = 0;
        throw new IOException("No space left on device (writing " + f.getFileName() + ")");
      }
      budget -= size;
    }
  }
}
