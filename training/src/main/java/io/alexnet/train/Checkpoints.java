package io.alexnet.train;

import io.alexnet.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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

  /** Saves the session's variables and {@code state} as checkpoint {@code step}. */
  public Path save(Session session, long step, Properties state) throws IOException {
    Path target = AtomicFiles.publishFolder(dir.resolve("ckpt-" + step), tmp -> {
      session.save(tmp.resolve(VARIABLES).toString());
      writeProperties(tmp.resolve(STATE), state);
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

  /** Complete checkpoints, oldest first. */
  public List<Path> list() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("ckpt-\\d+"))
          .filter(p -> Files.exists(p.resolve(STATE)))
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

  /** Restores variables from a checkpoint folder into the session; returns its state. */
  public static Properties restore(Session session, Path ckpt) throws IOException {
    if (!Files.exists(ckpt.resolve(VARIABLES + ".index"))) {
      throw new IllegalArgumentException(ckpt + " is not a checkpoint (no variables.index)");
    }
    session.restore(ckpt.resolve(VARIABLES).toString());
    return readProperties(ckpt.resolve(STATE));
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

  static void writeProperties(Path file, Properties p) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "alexnet training state");
    }
  }

  public static Properties readProperties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }
}
