package io.alexnet.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    Checkpoints.writeProperties(file, p);
  }

  public static EvalShard load(Path file) throws IOException {
    Properties p = Checkpoints.readProperties(file);
    try {
      String[] shard = p.getProperty("shard").split("/");
      int classes = Integer.parseInt(p.getProperty("classes"));
      long[][] c = new long[classes][];
      for (int i = 0; i < classes; i++) {
        c[i] = Arrays.stream(p.getProperty("confusion." + i).split(","))
            .mapToLong(Long::parseLong).toArray();
      }
      int examples = Integer.parseInt(p.getProperty("examples"));
      long top5 = Long.parseLong(p.getProperty("top5_hits"));
      EvalResult r = EvalResult.of(examples, Integer.parseInt(p.getProperty("bad")), top5, c,
          Double.parseDouble(p.getProperty("seconds")));
      String labels = p.getProperty("labels", "");
      return new EvalShard(Integer.parseInt(shard[0]), Integer.parseInt(shard[1]),
          Integer.parseInt(p.getProperty("crops")), p.getProperty("model"),
          p.getProperty("data"), labels.isEmpty() ? List.of() : List.of(labels.split("\n")), r);
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
