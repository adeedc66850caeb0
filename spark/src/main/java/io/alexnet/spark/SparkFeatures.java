package io.alexnet.spark;

import io.alexnet.api.Features;
import io.alexnet.api.Model;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.eval.EvalOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A layer's activations as image features, as a Spark job: one {@link FeatureRow} per readable
 * image written as Parquet, each partition through its executor's one {@link Model}, the same
 * rows {@code features} writes to .npy.
 */
public final class SparkFeatures {
  private SparkFeatures() {}

  /**
   * What a features job did.
   *
   * @param rows images with a row
   * @param skipped images that could not be read
   * @param width values per row
   * @param seconds the job's time
   */
  public record Count(long rows, long skipped, int width, double seconds) {}

  /**
   * Writes {@code layer}'s activations of every readable image of {@code source} to {@code out}.
   *
   * @param spark the session
   * @param model the model, at the same path on every executor, and how to open it
   * @param layer fc7, fc6, pool5, or any row of the model's summary
   * @param source the images
   * @param partitions how many partitions (0: Spark's default parallelism)
   * @param options batch size and decoding threads, per partition
   * @param out the Parquet folder to write
   * @return how many rows, how many skipped
   */
  public static Count run(SparkSession spark, ModelRequest model, String layer,
      ImageSource source,
      int partitions, EvalOptions options, Path out) {
    long start = System.nanoTime();
    ModelRequest request = model;
    int width = ExecutorModels.inspect(spark, request, m -> m.features(layer).width());
    int n = ExecutorModels.inspect(spark, source).size();
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    spark.range(0, n, 1, parts)
        .mapPartitions((MapPartitionsFunction<Long, FeatureRow>) ids ->
            rows(request, layer, source, options, ids), Encoders.bean(FeatureRow.class))
        .write().mode(SaveMode.ErrorIfExists).parquet(out.toString());
    long rows = spark.read().parquet(out.toString()).count();
    return new Count(rows, n - rows, width, (System.nanoTime() - start) / 1e9);
  }

  static Iterator<FeatureRow> rows(ModelRequest request, String layer, ImageSource source,
      EvalOptions options, Iterator<Long> ids) throws java.io.IOException {
    int[] positions = toArray(ids);
    List<FeatureRow> out = new ArrayList<>(positions.length);
    if (positions.length == 0) {
      return out.iterator();
    }
    Features f = ExecutorModels.model(request).features(layer);
    Dataset part = new Subset(ExecutorModels.data(source), positions, "partition");
    int w = f.width();
    f.extract(part, options, (at, names, labels, values) -> {
      for (int i = 0; i < names.length; i++) {
        FeatureRow r = new FeatureRow();
        r.setPath(names[i]);
        r.setLabel(labels[i]);
        r.setValues(Arrays.copyOfRange(values, i * w, (i + 1) * w));
        out.add(r);
      }
    }, new Features.Listener() {});
    return out.iterator();
  }

  private static int[] toArray(Iterator<Long> ids) {
    List<Integer> list = new ArrayList<>();
    ids.forEachRemaining(i -> list.add(Math.toIntExact(i)));
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
