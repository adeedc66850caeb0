package io.alexnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Chromium for the tests that render a page. The tests install nothing: .ci/run
 * installs it (apt-get install chromium), and a machine without it fails here saying so.
 */
final class BrowserSetup {
  private BrowserSetup() {}

  static Path chromium() {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new IllegalStateException("the report's rendering test needs Debian's chromium:"
        + " apt-get install chromium (.ci/run does)");
  }
}
