package io.alexnet.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aFailedWriteLeavesThePreviousVersionAndNoLeftovers() throws IOException {
    Path target = tmp.resolve("ckpt");
    AtomicFiles.publishFolder(target, d -> Files.writeString(d.resolve("a"), "first"));
    IOException boom = new IOException("disk full");
    assertSame(boom, assertThrows(IOException.class, () -> AtomicFiles.publishFolder(target, d -> {
      Files.writeString(d.resolve("a"), "half");
      throw boom;
    })));
    assertEquals("first", Files.readString(target.resolve("a")));
    AtomicFiles.publishFolder(target, d -> Files.writeString(d.resolve("b"), "second"));
    assertFalse(Files.exists(target.resolve("a"))); // replaced whole, not merged
    assertEquals("second", Files.readString(target.resolve("b")));

    Path file = tmp.resolve("stats.bin");
    AtomicFiles.writeFile(file, f -> Files.writeString(f, "v1"));
    assertThrows(IOException.class, () -> AtomicFiles.writeFile(file, f -> {
      Files.writeString(f, "partial");
      throw new IOException("crash");
    }));
    assertEquals("v1", Files.readString(file));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(2, s.count(), "temporary files left behind");
    }
  }
}
