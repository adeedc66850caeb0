package io.alexnet.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A folder of this fuzz JVM's own, rewritten by every input (one target runs per JVM). */
final class Scratch {
  private Scratch() {}

  static Path folder(String name) {
    try {
      Path p = Files.createTempDirectory("alexnet-fuzz-" + name);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          io.alexnet.io.AtomicFiles.deleteTree(p);
        } catch (IOException e) {
          // a temporary folder left behind is not worth failing the run for
        }
      }));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
