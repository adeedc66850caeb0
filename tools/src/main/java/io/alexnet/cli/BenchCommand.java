package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.Devices;
import io.alexnet.bench.Benchmarks;
import io.alexnet.bench.Timing;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.OneDnnWeightCache;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.graph.Variant;
import io.alexnet.io.AtomicFiles;
import io.alexnet.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time the training step, inference and the input pipeline on random input;"
        + " report images/s and achieved GFLOP/s against this machine's MatMul limit.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--mode", defaultValue = "all", split = ",",
      description = "train, infer, pipeline, serving (a trained model's two inputs, as its"
          + " SavedModel's signatures take them; needs --model), several of them (train,infer)"
          + " or all. Default: ${DEFAULT-VALUE}.")
  List<String> modes;

  @Option(names = "--devices", defaultValue = "auto",
      description = "For train and infer: auto, DEV (both towers) or DEV_A,DEV_B, e.g."
          + " /device:GPU:0,/device:GPU:1. Default: ${DEFAULT-VALUE}.")
  String devices;

  @Option(names = "--virtual-cpus", defaultValue = "1",
      description = "Split the CPU into N TensorFlow devices (for --devices /device:CPU:1).")
  int virtualCpus;

  @Option(names = "--model", paramLabel = "RUN_DIR|MODEL_DIR",
      description = "A trained model (a run folder or an exported SavedModel), for --mode"
          + " serving (and all): its graph is the one an export writes.")
  Path savedModel;

  @Option(names = "--batch", defaultValue = "64", split = ",",
      description = "Batch sizes, e.g. 32,64,128. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(names = "--variant", defaultValue = "paper", description = "Default: ${DEFAULT-VALUE}.")
  String variant;

  @Option(names = "--classes", defaultValue = "1000", description = "Default: ${DEFAULT-VALUE}.")
  int classes;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--warmup", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--matmul", defaultValue = "4096",
      description = "Side of the MatMul that measures the limit. Default: ${DEFAULT-VALUE}.")
  int matmul;

  @Option(names = "--workers", defaultValue = "2",
      description = "Pipeline threads. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads.")
  int threads;

  @Option(names = "--inter-threads", defaultValue = "0",
      description = "TensorFlow inter-op threads (0: TensorFlow's default).")
  int interThreads;

  @Option(names = "--weights", defaultValue = "variables",
      description = "For --mode infer: variables (the graph eval, predict and a SavedModel"
          + " run) or constants (the same graph frozen, an alternative BENCHMARKS.md measured"
          + " and dropped). Default: ${DEFAULT-VALUE}.")
  String weights;

  @Option(names = "--json",
      description = "Print one JSON document on stdout, its measurements in a list.")
  boolean json;

  @Option(names = "--profile",
      description = "After timing, trace one training step or inference batch and print op"
          + " time per op type.")
  boolean profile;

  @Override
  public Integer call() throws Exception {
    if (!List.of("train", "infer", "pipeline", "serving", "all").containsAll(modes)) {
      throw new IllegalArgumentException("--mode takes train, infer, pipeline, serving or all,"
          + " or several of them separated by commas; got " + String.join(",", modes));
    }
    if (!List.of("variables", "constants").contains(weights)) {
      throw new IllegalArgumentException("--weights is variables or constants");
    }
    if (modes.equals(List.of("serving")) && savedModel == null) {
      throw new IllegalArgumentException("--mode serving times a trained model: give --model"
          + " RUN_DIR or MODEL_DIR");
    }
    // Opened first, as every command opens a model: a damaged one is refused before any timing.
    try (Model served = savedModel == null ? null : Model.load(savedModel)) {
      return measure(served);
    }
  }

  private int measure(Model served) throws Exception {
    ConfigProto config = new SessionOptions(threads, interThreads, virtualCpus,
        io.alexnet.runtime.Precision.FLOAT32).configProto();
    Variant v = Variant.parse(variant);
    ModelConfig model = ModelConfig.builder().variant(v).classes(classes)
        .devices(DevicePlan.plans(devices, v, 1, Devices.gpuCount()).get(0)).build();
    long macs;
    try (Graph g = new Graph()) {
      macs = AlexNet.build(g, model, AlexNet.Mode.INFERENCE).multiplyAdds();
    }
    String onednn = System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "unset");
    double limit = Double.NaN;
    if (!modes.equals(List.of("pipeline"))) {
      limit = Benchmarks.matMulGflops(config, matmul, 2, 5);
      emit("matmul", 0, Double.NaN, Double.NaN, Double.NaN, limit, limit, onednn);
    }
    for (int b : batches) {
      if (runs("train")) {
        StringBuilder where = new StringBuilder();
        Timing t = Benchmarks.trainStep(model, config, b, warmup, steps,
            profile ? where::append : null);
        // A training step counts as three forward passes (docs/PAPER.md).
        double gflops = 3 * 2.0 * macs * b / t.median() / 1e9;
        emit("train", b, t.median(), t.quantile(0.1), t.quantile(0.9), gflops, limit, onednn);
        if (profile) {
          profiled(where);
        }
      }
      if (runs("infer")) {
        StringBuilder where = new StringBuilder();
        Timing t = Benchmarks.inference(model, config, b, warmup, steps,
            weights.equals("constants"), profile ? where::append : null);
        double gflops = 2.0 * macs * b / t.median() / 1e9;
        emit("infer", b, t.median(), t.quantile(0.1), t.quantile(0.9), gflops, limit, onednn);
        if (profile) {
          profiled(where);
        }
      }
      if (served != null && runs("serving")) {
        Path dir = Files.createTempDirectory("alexnet-bench-");
        try {
          Timing[] t = Benchmarks.serving(served, dir, b, warmup, steps);
          // serving_default does the exported network's work; classify_images decoding besides.
          double gflops = 2.0 * served.multiplyAdds() * b / t[0].median() / 1e9;
          emit("serving", b, t[0].median(), t[0].quantile(0.1), t[0].quantile(0.9), gflops,
              limit, onednn);
          emit("classify", b, t[1].median(), t[1].quantile(0.1), t[1].quantile(0.9),
              Double.NaN, limit, onednn);
        } finally {
          AtomicFiles.deleteTree(dir);
        }
      }
      if (runs("pipeline")) {
        Path dir = Files.createTempDirectory("alexnet-bench-");
        try {
          Timing t = Benchmarks.pipeline(dir, model.imageSize(), b, workers, Math.max(3, steps));
          emit("pipeline", b, t.median(), t.quantile(0.1), t.quantile(0.9), Double.NaN, limit,
              onednn);
        } finally {
          AtomicFiles.deleteTree(dir);
        }
      }
    }
    if (json) {
      System.out.println(new Json().put("onednn", onednn)
          .put("onednn_weight_cache", OneDnnWeightCache.on()).put("measurements", measured));
    }
    return 0;
  }

  private boolean runs(String mode) {
    return modes.contains(mode) || modes.contains("all");
  }

  /** A profile's text: after the table, or on stderr when stdout is a JSON document. */
  private void profiled(StringBuilder where) {
    (json ? System.err : System.out).print(where);
  }

  private final List<String> header = new ArrayList<>();
  private final List<Json> measured = Json.list();

  private void emit(String what, int batch, double median, double p10, double p90,
      double gflops, double limit, String onednn) {
    double ips = batch / median;
    if (json) {
      measured.add(new Json().put("mode", what).put("batch", batch)
          .put("seconds_per_step", median).put("p10", p10).put("p90", p90)
          .put("images_per_second", ips).put("gflops", gflops).put("matmul_limit_gflops", limit)
          .put("fraction_of_limit", gflops / limit));
      return;
    }
    if (header.isEmpty()) {
      header.add("x");
      System.out.printf(Locale.ROOT, "%-9s %5s %10s %17s %10s %9s %9s%n", "mode", "batch",
          "s/step", "p10..p90", "images/s", "GFLOP/s", "of limit");
    }
    if (what.equals("matmul")) {
      System.out.printf(Locale.ROOT, "%-9s %5s %10s %17s %10s %9.1f %9s  (%dx%dx%d float32,"
          + " TF_ENABLE_ONEDNN_OPTS=%s, oneDNN weight cache %s)%n", what, "-", "-", "-", "-",
          gflops, "1.00", matmul, matmul, matmul, onednn,
          OneDnnWeightCache.on() ? "on" : "off");
      return;
    }
    System.out.printf(Locale.ROOT, "%-9s %5d %10.4f %8.4f..%-8.4f %10.1f %9s %9s%n", what, batch,
        median, p10, p90, ips, Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.1f",
            gflops), Double.isNaN(gflops) || Double.isNaN(limit) ? "-"
            : String.format(Locale.ROOT, "%.2f", gflops / limit));
  }
}
