package io.alexnet.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.alexnet.api.Model;
import io.alexnet.data.BadExampleException;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.eval.EvalListener;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.TopK;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Batch evaluation as a Spark job: the examples' indices spread over partitions, each
 * partition scored by the executor's one {@link Model} (opened once per JVM) through the same
 * evaluation as {@code eval}, one {@link ScoredImage} row per image written as Parquet, and the
 * summary counted from those rows. A retried task replaces its partition's rows, so nothing is
 * counted twice, and the numbers are those of a single-process evaluation, to the last image.
 */
public final class SparkEvaluation {
  private SparkEvaluation() {}

  /**
   * A test hook: when set, the first attempt of partition 1 fails after scoring half of it, as
   * a lost executor would. Spark retries it; the counts must not change.
   */
  static volatile boolean failOnce;

  /** How many failures the hook injected. */
  static final java.util.concurrent.atomic.AtomicInteger injected =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Scores {@code model} on {@code source}.
   *
   * @param spark the session
   * @param model the model, at the same path on every executor, and how to open it
   * @param source the images
   * @param partitions how many partitions to spread them over (0: Spark's default parallelism)
   * @param options batch size, decoding threads and crops, per partition
   * @param out the Parquet folder to write, one row per image
   * @return the whole set's top-1 and top-5 error and confusion matrix, and the job's time
   */
  public static EvalResult run(SparkSession spark, ModelRequest model, ImageSource source,
      int partitions, EvalOptions options, Path out) {
    long start = System.nanoTime();
    ModelRequest request = model;
    // The driver opens both too: a bad model or data path fails here, before any task.
    ExecutorModels.inspect(spark, request, m -> m);
    Dataset d = ExecutorModels.inspect(spark, source);
    // The confusion matrix is the data's classes by the data's, as eval counts it.
    int classes = d.numClasses();
    int n = d.size();
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    org.apache.spark.sql.Dataset<ScoredImage> scored = spark.range(0, n, 1, parts)
        .mapPartitions((MapPartitionsFunction<Long, ScoredImage>) ids ->
            score(request, source, options, ids), Encoders.bean(ScoredImage.class));
    scored.write().mode(SaveMode.ErrorIfExists).parquet(out.toString());

    // Counted from what was written, so a retried task's first attempt counts for nothing.
    org.apache.spark.sql.Dataset<Row> written = spark.read().parquet(out.toString());
    Row totals = written.agg(count("*"), sum(when(col("error").isNotNull(), 1).otherwise(0)),
        sum(when(col("top5"), 1).otherwise(0))).first();
    long[][] confusion = new long[classes][classes];
    for (Row r : written.filter(col("error").isNull()).groupBy("label", "predicted").count()
        .collectAsList()) {
      int label = r.getInt(0), predicted = r.getInt(1);
      if (label < classes && predicted < classes) {
        confusion[label][predicted] += r.getLong(2);
      }
    }
    int skipped = (int) totals.getLong(1);
    int examples = (int) totals.getLong(0) - skipped;
    return EvalResult.of(examples, skipped, totals.isNullAt(2) ? 0 : totals.getLong(2),
        confusion, (System.nanoTime() - start) / 1e9);
  }

  /** One partition: its examples through the executor's model, one row each. */
  static Iterator<ScoredImage> score(ModelRequest request, ImageSource source, EvalOptions options,
      Iterator<Long> ids) {
    List<Integer> indices = new ArrayList<>();
    ids.forEachRemaining(i -> indices.add(Math.toIntExact(i)));
    if (indices.isEmpty()) {
      return List.<ScoredImage>of().iterator();
    }
    Model model = ExecutorModels.model(request);
    Dataset all = ExecutorModels.data(source);
    int[] positions = indices.stream().mapToInt(Integer::intValue).toArray();
    Dataset part = new Subset(all, positions, "partition");
    ScoredImage[] rows = new ScoredImage[positions.length];
    boolean injectFailure = failOnce && org.apache.spark.TaskContext.get() != null
        && org.apache.spark.TaskContext.get().partitionId() == 1
        && org.apache.spark.TaskContext.get().attemptNumber() == 0;
    model.evaluate(part, options, new EvalListener() {
      private int done;

      @Override
      public void batch(int[] at, int[] labels, float[] probabilities, int count) {
        int width = probabilities.length / count;
        for (int i = 0; i < count; i++) {
          ScoredImage s = new ScoredImage();
          s.setPath(part.name(at[i]));
          s.setLabel(labels[i]);
          int[] top = TopK.top(probabilities, i, width, 5);
          float[] p = new float[top.length];
          for (int k = 0; k < top.length; k++) {
            p[k] = probabilities[i * width + top[k]];
          }
          s.setTop5Ids(top);
          s.setTop5Probabilities(p);
          s.setPredicted(TopK.argmax(probabilities, i, width));
          s.setTop1(s.getPredicted() == labels[i]);
          s.setTop5(TopK.hit(probabilities, i, width, labels[i], 5));
          rows[at[i]] = s;
        }
        done += count;
        if (injectFailure && done >= positions.length / 2) {
          injected.incrementAndGet();
          throw new IllegalStateException("a failure injected by the test, half-way through"
              + " partition 1");
        }
      }
    });
    List<ScoredImage> out = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        rows[i] = unreadable(part, i);
      }
      out.add(rows[i]);
    }
    return out.iterator();
  }

  /** The row of an image the evaluation skipped, with the reason it gives. */
  private static ScoredImage unreadable(Dataset part, int i) {
    ScoredImage s = new ScoredImage();
    s.setPath(part.name(i));
    try {
      part.get(i);
      s.setError("unreadable");
    } catch (BadExampleException | RuntimeException e) {
      s.setError(String.valueOf(e.getMessage()));
    }
    return s;
  }
}
