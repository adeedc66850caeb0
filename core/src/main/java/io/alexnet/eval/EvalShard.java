package io.alexnet.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.alexnet.io.PropertiesFile;
import java.util.Properties;

/**
 * One shard's evaluation counts (shard {@code index} of {@code count}: examples index, index +
 * count, ...), saved so that machines can each score a shard and one merge gives the whole set's
 * numbers, exactly: counts add up, error rates would not.
 */
public record EvalShard(int index, int count, int crops, String model, String data,
    List<String> labels, EvalResult result) {

  /** Writes the counts as a properties file. */
  public void save(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("shard", index + "/" + count);
    p.setProperty("crops", Integer.toString(crops));
    p.setProperty("model", model);
    p.setProperty("data", data);
    p.setProperty("labels", String.join("\n", labels));
    p.setProperty("examples", Integer.toString(result.examples()));
    p.setProperty("bad", Integer.toString(result.bad()));
    p.setProperty("top5_hits", Long.toString(result.top5Hits()));
    p.setProperty("seconds", Double.toString(result.seconds()));
    long[][] c = result.confusion();
    p.setProperty("classes", Integer.toString(c.length));
    for (int i = 0; i < c.length; i++) {
      p.setProperty("confusion." + i, Arrays.toString(c[i]).replaceAll("[\\[\\] ]", ""));
    }
    PropertiesFile.write(file, p);
  }

  /** More shards than any cluster runs; a larger count is a damaged file. */
  static final int MAX_SHARDS = 1 << 16;

  public static EvalShard load(Path file) throws IOException {
    PropertiesFile p = PropertiesFile.read(file);
    String[] shard = p.text("shard").split("/");
    int classes = p.integer("classes");
    // One confusion row per class must be in the file; checking the last before allocating
    // keeps a damaged count from sizing the matrix.
    if (classes < 1 || !p.has("confusion." + (classes - 1))) {
      throw new IOException(file + " claims " + classes + " classes but does not hold their"
          + " confusion rows");
    }
    long[][] c = new long[classes][];
    for (int i = 0; i < classes; i++) {
      String row = p.text("confusion." + i);
      try {
        c[i] = Arrays.stream(row.split(",")).mapToLong(v -> Long.parseLong(v.trim())).toArray();
      } catch (NumberFormatException e) {
        throw new IOException(file + ": confusion row " + i + " is not a list of counts");
      }
      if (c[i].length != classes) {
        throw new IOException(file + ": confusion row " + i + " has " + c[i].length
            + " counts for " + classes + " classes");
      }
    }
    int examples = p.integer("examples");
    long top5 = p.longInteger("top5_hits");
    int bad = p.integer("bad");
    double seconds = p.decimal("seconds");
    int crops = p.integer("crops");
    if (shard.length != 2) {
      throw new IOException(file + ": 'shard' is not INDEX/COUNT");
    }
    int index, count;
    try {
      index = Integer.parseInt(shard[0]);
      count = Integer.parseInt(shard[1]);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": 'shard' is not INDEX/COUNT");
    }
    if (count < 1 || count > MAX_SHARDS || index < 0 || index >= count) {
      throw new IOException(file + ": 'shard' is " + index + "/" + count + "; a shard is"
          + " INDEX/COUNT with 0 <= INDEX < COUNT <= " + MAX_SHARDS);
    }
    try {
      EvalResult r = EvalResult.of(examples, bad, top5, c, seconds);
      String labels = p.text("labels", "");
      return new EvalShard(index, count, crops, p.text("model"), p.text("data"),
          labels.isEmpty() ? List.of() : List.of(labels.split("\n")), r);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not an evaluation shard written by eval"
          + " --shard (" + e + ")");
    }
  }

  /**
   * The whole set's result from all of its shards, each exactly once, with the same crops and
   * classes. Seconds are the slowest shard's (shards run side by side).
   */
  public static EvalResult merge(List<EvalShard> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    EvalShard first = shards.get(0);
    boolean[] have = new boolean[first.count()];
    List<String> problems = new ArrayList<>();
    for (EvalShard s : shards) {
      // Model and data paths may differ between machines; the shape of the evaluation may not.
      if (s.count() != first.count() || s.crops() != first.crops()
          || !s.labels().equals(first.labels())
          || s.result().confusion().length != first.result().confusion().length) {
        problems.add("shard " + s.index() + "/" + s.count() + " is of another evaluation ("
            + s.crops() + " crops, " + s.labels().size() + " classes; the first file's: "
            + first.crops() + " crops, " + first.labels().size() + " classes, "
            + first.count() + " shards)");
      } else if (have[s.index()]) {
        problems.add("shard " + s.index() + " given twice");
      } else {
        have[s.index()] = true;
      }
    }
    for (int i = 0; i < have.length; i++) {
      if (!have[i]) {
        problems.add("shard " + i + "/" + first.count() + " is missing");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot merge: " + String.join("; ", problems));
    }
    int classes = first.result().confusion().length;
    long[][] c = new long[classes][classes];
    int examples = 0, bad = 0;
    long top5 = 0;
    double seconds = 0;
    for (EvalShard s : shards) {
      EvalResult r = s.result();
      examples += r.examples();
      bad += r.bad();
      top5 += r.top5Hits();
      seconds = Math.max(seconds, r.seconds());
      for (int i = 0; i < classes; i++) {
        for (int j = 0; j < classes; j++) {
          c[i][j] += r.confusion()[i][j];
        }
      }
    }
    return EvalResult.of(examples, bad, top5, c, seconds);
  }
}
