package io.alexnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium for the tests that render a page, installed with apt-get when it is
 * missing (CI and developers run as root on Debian).
 */
final class BrowserSetup {
  private BrowserSetup() {}

  static synchronized Path chromium() throws Exception {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"),
        List.of("apt-get", "install", "-y", "-qq", "chromium"))) {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: the browser test"
            + " needs Debian's chromium (apt-get install chromium)");
      }
    }
    return Path.of("/usr/bin/chromium");
  }
}
