package io.alexnet.spark;

import io.alexnet.api.Model;
import io.alexnet.data.Dataset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an executor JVM opens once and shares between its tasks: each model (its graph and
 * session, a few hundred MB) and each dataset (its file listing or record index). A task asks;
 * the first opens, the others wait for it and share; nothing is opened per image or per
 * partition. The models close when the JVM ends.
 */
final class ExecutorModels {
  private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();
  private static final Map<ImageSource, Dataset> DATA = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> MODELS.values().forEach(Model::close),
        "alexnet-models-close"));
  }

  private ExecutorModels() {}

  /** The model at {@code path} (a run folder or a SavedModel), opened once per JVM. */
  static Model model(String path) {
    return MODELS.computeIfAbsent(path, p -> Model.load(java.nio.file.Path.of(p)));
  }

  /** The data {@code spec} names, opened once per JVM as eval opens it. */
  static Dataset data(ImageSource source) {
    return DATA.computeIfAbsent(source, ImageSource::open);
  }
}
