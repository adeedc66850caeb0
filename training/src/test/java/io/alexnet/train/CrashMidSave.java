package io.alexnet.train;

import io.alexnet.io.AtomicFiles;
import io.alexnet.store.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that dies in the middle of publishing checkpoint {@code ckpt-999} the way {@link
 * Checkpoints#save} publishes one: some of the files written, then a halt, with no cleanup.
 */
public final class CrashMidSave {
  private CrashMidSave() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    AtomicFiles.publishFolder(dir.resolve("ckpt-999"), tmp -> {
      Files.writeString(tmp.resolve(Checkpoints.VARIABLES + ".index"), "half written");
      Runtime.getRuntime().halt(3); // the power goes out
    });
  }
}
