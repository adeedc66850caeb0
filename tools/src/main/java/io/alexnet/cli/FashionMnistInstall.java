package io.alexnet.cli;

import io.alexnet.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Gets Debian's dataset-fashion-mnist package when it is missing and we are allowed to. */
final class FashionMnistInstall {
  private FashionMnistInstall() {}

  /** Installs the package when running as root with apt-get; else explains how. */
  static void ensure() throws IOException, InterruptedException {
    if (Files.isDirectory(FashionMnist.DEBIAN_DIR)) {
      return;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
    if (!root || !apt) {
      throw new IllegalStateException("Fashion-MNIST is not installed (" + FashionMnist.DEBIAN_DIR
          + "): run `sudo apt-get install dataset-fashion-mnist`, or pass --data DIR");
    }
    System.err.println("Fashion-MNIST is missing: installing Debian's dataset-fashion-mnist...");
    run("apt-get", "update", "-q");
    run("apt-get", "install", "-y", "-q", "dataset-fashion-mnist");
    if (!Files.isDirectory(FashionMnist.DEBIAN_DIR)) {
      throw new IllegalStateException("apt-get ran but " + FashionMnist.DEBIAN_DIR
          + " is still missing");
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue()
          + "): install dataset-fashion-mnist by hand, or pass --data DIR");
    }
  }
}
