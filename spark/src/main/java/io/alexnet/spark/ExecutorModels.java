package io.alexnet.spark;

import io.alexnet.api.Model;
import io.alexnet.data.Dataset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * What an executor JVM opens once and shares between its tasks: each model (its graph and
 * session, a few hundred MB) and each dataset (its file listing or record index). A task asks;
 * the first opens, the others wait for it and share; nothing is opened per image or per
 * partition. The models close when the JVM ends.
 */
final class ExecutorModels {
  private static final Map<ModelRequest, Model> MODELS = new ConcurrentHashMap<>();
  private static final Map<ImageSource, Dataset> DATA = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> MODELS.values().forEach(Model::close),
        "alexnet-models-close"));
  }

  private ExecutorModels() {}

  /** The model {@code request} names, opened once per JVM. */
  static Model model(ModelRequest request) {
    return MODELS.computeIfAbsent(request, ModelRequest::open);
  }

  /**
   * What the driver reads from the model before the job: its labels, a layer's width, and
   * whether it opens at all, so that a bad path fails before any task. In local mode the driver
   * is the executor, so it opens the model the tasks will share instead of one more copy (each
   * open reads and checks a few hundred MB); on a cluster it opens one for the look and closes it.
   */
  static <T> T inspect(SparkSession spark, ModelRequest request, Function<Model, T> look) {
    if (spark.sparkContext().isLocal()) {
      return look.apply(model(request));
    }
    try (Model m = request.open()) {
      return look.apply(m);
    }
  }

  /** The data the driver counts: in local mode the tasks' own copy, as for the model. */
  static Dataset inspect(SparkSession spark, ImageSource source) {
    return spark.sparkContext().isLocal() ? data(source) : source.open();
  }

  /** The data {@code spec} names, opened once per JVM as eval opens it. */
  static Dataset data(ImageSource source) {
    return DATA.computeIfAbsent(source, ImageSource::open);
  }
}
