package io.alexnet.store;

import io.alexnet.io.AtomicFiles;
import io.alexnet.io.PropertiesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * TensorFlow checkpoints (SaveV2/RestoreV2: {@code variables.index} and {@code
 * variables.data-*}) in {@code DIR/ckpt-STEP/}, each with the loop's state beside it in
 * {@code state.properties}. A checkpoint is written into a temporary folder and renamed into
 * place, so a crash while saving leaves the previous one intact; a folder named ckpt-N is
 * always complete ({@link AtomicFiles}). The last {@code keep} are kept, plus a copy of the best in {@code best/}.
 * A {@code checkpoint} file in TensorFlow's CheckpointState text format points at the newest,
 * for TF's own tools.
 */
public final class Checkpoints {
  public static final String VARIABLES = "variables";
  public static final String STATE = "state.properties";
  public static final String BEST = "best";

  private final Path dir;
  private final int keep;

  public Checkpoints(Path dir, int keep) throws IOException {
    this.dir = dir;
    this.keep = keep;
    Files.createDirectories(dir);
  }

  public Path dir() {
    return dir;
  }

  /** Writes variables as TensorFlow checkpoint files under a prefix. */
  @FunctionalInterface
  public interface Saver {
    void save(Path prefix) throws IOException;
  }

  /** Saves the session's variables and {@code state} as checkpoint {@code step}. */
  public Path save(Session session, long step, Properties state) throws IOException {
    return save(prefix -> session.save(prefix.toString()), step, state);
  }

  /** Saves what {@code saver} writes, and {@code state}, as checkpoint {@code step}. */
  public Path save(Saver saver, long step, Properties state) throws IOException {
    Path target = AtomicFiles.publishFolder(dir.resolve("ckpt-" + step), tmp -> {
      saver.save(tmp.resolve(VARIABLES));
      Properties withFiles = new Properties();
      withFiles.putAll(state);
      for (Path f : variableFiles(tmp)) {
        withFiles.setProperty(FILE_KEY + f.getFileName(), fingerprint(f));
      }
      PropertiesFile.write(tmp.resolve(STATE), withFiles);
    });
    writePointer(target);
    prune();
    return target;
  }

  /** Copies checkpoint {@code ckpt} to {@code best/}, replacing the previous best atomically. */
  public void markBest(Path ckpt) throws IOException {
    AtomicFiles.publishFolder(dir.resolve(BEST), tmp -> {
      try (Stream<Path> files = Files.list(ckpt)) {
        for (Path f : files.toList()) {
          Files.copy(f, tmp.resolve(f.getFileName()));
        }
      }
    });
  }

  /**
   * The checkpoint folders, oldest first. Saving never leaves a partial one under this name, so
   * a folder here with a file missing or damaged was damaged afterwards; restoring it says so.
   */
  public List<Path> list() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("ckpt-\\d{1,18}"))
          .sorted(Comparator.comparingLong(Checkpoints::stepOf))
          .forEach(out::add);
    }
    return out;
  }

  public Optional<Path> latest() throws IOException {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  public Optional<Path> best() {
    Path b = dir.resolve(BEST);
    return Files.exists(b.resolve(STATE)) ? Optional.of(b) : Optional.empty();
  }

  /** The best checkpoint, else the newest, else none. */
  public Optional<Path> bestOrLatest() throws IOException {
    Optional<Path> b = best();
    return b.isPresent() ? b : latest();
  }

  /** Names {@link #resolve} takes besides a checkpoint's own. */
  public static final String LATEST = "latest";

  /**
   * The checkpoint {@code which} names: {@value #BEST} (else the newest), {@value #LATEST}, a
   * checkpoint's name ({@code ckpt-1200}) or a checkpoint folder's path.
   *
   * @throws IllegalArgumentException when there is no such checkpoint, saying what there is
   */
  public Path resolve(String which) throws IOException {
    Optional<Path> found = switch (which) {
      case BEST -> bestOrLatest();
      case LATEST -> latest();
      default -> {
        Path named = dir.resolve(which);
        Path given = Path.of(which);
        yield Files.isDirectory(named) ? Optional.of(named)
            : Files.isDirectory(given) ? Optional.of(given) : Optional.empty();
      }
    };
    if (found.isPresent()) {
      return found.get();
    }
    throw new IllegalArgumentException(which.equals(BEST) || which.equals(LATEST)
        ? dir.getParent() + " has no checkpoint yet"
        : "no checkpoint '" + which + "' in " + dir + " (there are: " + names() + ")");
  }

  private String names() throws IOException {
    List<String> n = new ArrayList<>();
    best().ifPresent(b -> n.add(BEST));
    list().forEach(p -> n.add(p.getFileName().toString()));
    return n.isEmpty() ? "none" : String.join(", ", n);
  }

  /**
   * Restores the newest checkpoint that reads back whole, for a resumed run, alone or as a
   * cluster's chief. A damaged one (a disk that failed after the save, a file someone
   * truncated) is skipped with a warning naming it, and left in place for a look; only when
   * every checkpoint is damaged is that an error.
   *
   * @param session the session to restore into
   * @param warn told of each checkpoint skipped, and which one was taken then
   * @return the restored checkpoint's folder and state; empty when there is none
   * @throws IOException when there are checkpoints but none is intact, naming each
   */
  public Optional<Restored> restoreNewestIntact(Session session,
      java.util.function.Consumer<String> warn) throws IOException {
    List<Path> all = list();
    List<String> damaged = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        PropertiesFile state = restore(session, all.get(i));
        if (!damaged.isEmpty()) {
          warn.accept("resuming from " + all.get(i).getFileName()
              + ", the newest intact checkpoint");
        }
        return Optional.of(new Restored(all.get(i), state));
      } catch (IOException e) {
        damaged.add(e.getMessage());
        warn.accept("WARNING: " + e.getMessage() + "; trying the one before it");
      }
    }
    if (!damaged.isEmpty()) {
      throw new IOException("no intact checkpoint to resume from in " + dir + ": "
          + String.join("; ", damaged));
    }
    return Optional.empty();
  }

  /** A checkpoint restored: its folder and the loop's state saved with it. */
  public record Restored(Path folder, PropertiesFile state) {}

  /**
   * Restores variables from a checkpoint folder into the session; returns its state. A damaged
   * checkpoint (a file missing, truncated or overwritten) is an IOException that names it; the
   * session's variables are then undefined until another restore or initialization.
   */
  public static PropertiesFile restore(Session session, Path ckpt) throws IOException {
    if (!Files.isRegularFile(ckpt.resolve(STATE))) {
      throw new IOException("checkpoint " + ckpt + " is damaged: " + STATE + " is missing");
    }
    PropertiesFile state = PropertiesFile.read(ckpt.resolve(STATE));
    requireIndex(ckpt);
    restoreChecked(session, ckpt, state.values());
    return state;
  }

  /** {@link #restore} without the loop's state: for export, which needs only the weights. */
  public static void restoreVariables(Session session, Path ckpt) throws IOException {
    requireIndex(ckpt);
    Path state = ckpt.resolve(STATE);
    // A folder without its state (copied by hand, say) has no fingerprints to check.
    restoreChecked(session, ckpt,
        Files.isRegularFile(state) ? PropertiesFile.read(state).values() : new Properties());
  }

  private static void requireIndex(Path ckpt) throws IOException {
    if (!Files.isRegularFile(ckpt.resolve(VARIABLES + ".index"))) {
      throw new IOException("checkpoint " + ckpt + " is damaged or not a checkpoint: "
          + VARIABLES + ".index is missing");
    }
  }

  /** Checks the variable files against the fingerprints in {@code state}, then restores. */
  private static void restoreChecked(Session session, Path ckpt, Properties state)
      throws IOException {
    verify(ckpt, state);
    try {
      session.restore(ckpt.resolve(VARIABLES).toString());
    } catch (RuntimeException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      if (why.contains("does not match the shape stored in checkpoint")
          || why.contains("requires shapes of both tensors to match")) {
        // The files are whole (their fingerprints agree): the settings describe another
        // network than the one saved.
        throw new IOException("checkpoint " + ckpt + " holds another network than "
            + RunDir.PROPERTIES + " describes (" + why + "): were the settings edited?", e);
      }
      throw new IOException("checkpoint " + ckpt + " is damaged: TensorFlow cannot read its"
          + " variables (" + why + ")", e);
    }
  }

  /**
   * Checks the variable files against the sizes and CRC-32C the save recorded in {@code
   * state}. TensorFlow reads only the tensors a graph asks for, so an inference graph would
   * restore happily from a checkpoint whose momentum half was cut off; this finds the damage
   * whatever reads it. Checkpoints saved before fingerprints were kept pass.
   */
  private static void verify(Path ckpt, Properties state) throws IOException {
    for (String key : state.stringPropertyNames()) {
      if (!key.startsWith(FILE_KEY)) {
        continue;
      }
      Path f = ckpt.resolve(key.substring(FILE_KEY.length()));
      if (!Files.isRegularFile(f)) {
        throw new IOException("checkpoint " + ckpt + " is damaged: " + f.getFileName()
            + " is missing");
      }
      String now = fingerprint(f);
      if (!now.equals(state.getProperty(key))) {
        throw new IOException("checkpoint " + ckpt + " is damaged: " + f.getFileName()
            + " is not the file that was saved (size,crc32c " + now + ", saved as "
            + state.getProperty(key) + ")");
      }
    }
  }

  private static final String FILE_KEY = "file.";

  private static List<Path> variableFiles(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(f -> f.getFileName().toString().startsWith(VARIABLES + ".")).sorted()
          .toList();
    }
  }

  /** "SIZE,CRC32C" of a file. */
  private static String fingerprint(Path f) throws IOException {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
    long size = 0;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        size += buf.remaining();
        crc.update(buf);
        buf.clear();
      }
    }
    return size + "," + Long.toHexString(crc.getValue());
  }

  public static long stepOf(Path ckpt) {
    return Long.parseLong(ckpt.getFileName().toString().substring("ckpt-".length()));
  }

  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      AtomicFiles.deleteTree(all.get(i));
    }
  }

  private void writePointer(Path newest) throws IOException {
    StringBuilder sb = new StringBuilder();
    String rel = newest.getFileName() + "/" + VARIABLES;
    sb.append("model_checkpoint_path: \"").append(rel).append("\"\n");
    for (Path p : list()) {
      sb.append("all_model_checkpoint_paths: \"").append(p.getFileName()).append('/')
          .append(VARIABLES).append("\"\n");
    }
    AtomicFiles.writeFile(dir.resolve("checkpoint"), tmp -> Files.writeString(tmp, sb));
  }

}
