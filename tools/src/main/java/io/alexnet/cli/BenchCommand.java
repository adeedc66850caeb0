package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.bench.Benchmarks;
import io.alexnet.bench.Timing;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.ModelSummary;
import io.alexnet.runtime.OneDnnWeightCache;
import io.alexnet.io.AtomicFiles;
import io.alexnet.io.Json;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Machine;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time the training step, inference and the input pipeline on random input;"
        + " report images/s and achieved GFLOP/s against this machine's MatMul limit of the"
        + " same precision.",
        "The limits: a square MatMul on float32 tensors, and on bfloat16 tensors (float16 on a"
            + " GPU), the median of several runs. --precision float32,mixed times both"
            + " precisions in one run, alternating."})
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--mode", defaultValue = "all", split = ",",
      description = "train, infer, pipeline, serving (a trained model's two inputs, as its"
          + " SavedModel's signatures take them; needs --model), several of them (train,infer)"
          + " or all. Default: ${DEFAULT-VALUE}.")
  List<String> modes;

  @Mixin NetworkFlags network;

  @Mixin ModelSourceFlags source;

  @Mixin SessionFlags session;

  @Option(names = "--batch", defaultValue = "64", split = ",",
      description = "Batch sizes, e.g. 32,64,128. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--warmup", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--matmul", defaultValue = "4096",
      description = "Side of the MatMul that measures the limits. Default: ${DEFAULT-VALUE}.")
  int matmul;

  @Option(names = "--matmul-runs", defaultValue = "9",
      description = "Timed MatMuls per limit (their median counts). Default: ${DEFAULT-VALUE}.")
  int matmulRuns;

  @Option(names = "--workers", defaultValue = "2",
      description = "Pipeline threads. Default: ${DEFAULT-VALUE}.")
  int workers;

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
          + " time per op type, and how many ops computed in each floating-point type.")
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
    if (modes.equals(List.of("serving")) && source.model == null) {
      throw new IllegalArgumentException("--mode serving times a trained model: give --model"
          + " RUN_DIR or MODEL_DIR");
    }
    // Every precision asked for is decided before any timing: mixed where it is not native is
    // refused here.
    Map<Precision, SessionOptions> sessions = new LinkedHashMap<>();
    Map<Precision, Arithmetic> arithmetic = new LinkedHashMap<>();
    for (Precision p : session.precisions()) {
      SessionOptions o = session.options(p).withInterOpThreads(interThreads);
      Arithmetic a = o.arithmetic();
      Precision resolved = a.precision();
      sessions.putIfAbsent(resolved, o.withPrecision(resolved));
      arithmetic.putIfAbsent(resolved, a);
    }
    // Opened first, as every command opens a model: a damaged one is refused before any timing.
    try (Model served = source.model == null ? null
        : source.checkpoint.open(source.path(), sessions.values().iterator().next())) {
      return measure(served, sessions, arithmetic);
    }
  }

  private int measure(Model served, Map<Precision, SessionOptions> sessions,
      Map<Precision, Arithmetic> arithmetic) throws Exception {
    ModelConfig model = network.config();
    long macs = ModelSummary.multiplyAdds(model);
    String onednn = System.getenv().getOrDefault(Machine.ONEDNN_VARIABLE, "unset");
    // Both limits, whichever precisions are timed: how far apart they are is the point.
    Map<Arithmetic, Double> limits = new LinkedHashMap<>();
    if (!modes.equals(List.of("pipeline"))) {
      SessionOptions base = sessions.values().iterator().next();
      limits.put(Arithmetic.FLOAT32,
          Benchmarks.matMulGflops(base, Arithmetic.FLOAT32, matmul, 2, matmulRuns));
      Arithmetic mixed;
      try {
        mixed = base.withPrecision(Precision.MIXED).arithmetic();
      } catch (IllegalArgumentException notHere) {
        mixed = null;
      }
      if (mixed != null) {
        limits.put(mixed, Benchmarks.matMulGflops(base, mixed, matmul, 2, matmulRuns));
      }
      limits.forEach((a, g) -> emitLimit(a, g, onednn));
    }
    for (int b : batches) {
      if (runs("train")) {
        for (Precision p : sessions.keySet()) {
          StringBuilder where = new StringBuilder();
          Timing t = Benchmarks.trainStep(model, sessions.get(p), b, warmup, steps,
              profile ? where::append : null);
          // A training step counts as three forward passes (docs/PAPER.md).
          double gflops = 3 * 2.0 * macs * b / t.median() / 1e9;
          emit("train", p, b, t, gflops, limit(limits, arithmetic.get(p)));
          if (profile) {
            profiled(where);
          }
        }
      }
      if (runs("infer")) {
        for (Precision p : sessions.keySet()) {
          StringBuilder where = new StringBuilder();
          Timing t = Benchmarks.inference(model, sessions.get(p), b, warmup, steps,
              weights.equals("constants"), profile ? where::append : null);
          double gflops = 2.0 * macs * b / t.median() / 1e9;
          emit("infer", p, b, t, gflops, limit(limits, arithmetic.get(p)));
          if (profile) {
            profiled(where);
          }
        }
      }
      if (served != null && runs("serving")) {
        Path dir = Files.createTempDirectory("alexnet-bench-");
        try {
          Timing[] t = Benchmarks.serving(served, dir, b, warmup, steps);
          Precision p = served.arithmetic().precision();
          // serving_default does the exported network's work; classify_images decoding besides.
          double gflops = 2.0 * served.multiplyAdds() * b / t[0].median() / 1e9;
          emit("serving", p, b, t[0], gflops, limit(limits, served.arithmetic()));
          emit("classify", p, b, t[1], Double.NaN, limit(limits, served.arithmetic()));
        } finally {
          AtomicFiles.deleteTree(dir);
        }
      }
      if (runs("pipeline")) {
        Path dir = Files.createTempDirectory("alexnet-bench-");
        try {
          Timing t = Benchmarks.pipeline(dir, model.imageSize(), b, workers, Math.max(3, steps));
          emit("pipeline", null, b, t, Double.NaN, Double.NaN);
        } finally {
          AtomicFiles.deleteTree(dir);
        }
      }
    }
    if (json) {
      Json l = new Json();
      limits.forEach((a, g) -> l.put(a.name().toLowerCase(Locale.ROOT), g));
      System.out.println(new Json().put("onednn", onednn)
          .put("onednn_weight_cache", OneDnnWeightCache.on())
          .put("machine", Machine.current().describe())
          .put("matmul_size", matmul).put("matmul_limits_gflops", l)
          .put("measurements", measured));
    }
    return 0;
  }

  private static double limit(Map<Arithmetic, Double> limits, Arithmetic a) {
    return limits.getOrDefault(a, Double.NaN);
  }

  private boolean runs(String mode) {
    return modes.contains(mode) || modes.contains("all");
  }

  /** A profile's text: after the table, or on stderr when stdout is a JSON document. */
  private void profiled(StringBuilder where) {
    (json ? System.err : System.out).print(where);
  }

  private boolean headed;
  private final List<Json> measured = Json.list();

  private void header() {
    if (!headed && !json) {
      headed = true;
      System.out.printf(Locale.ROOT, "%-9s %-8s %5s %10s %17s %10s %9s %9s%n", "mode",
          "precis.", "batch", "s/step", "p10..p90", "images/s", "GFLOP/s", "of limit");
    }
  }

  private void emitLimit(Arithmetic a, double gflops, String onednn) {
    if (json) {
      return;
    }
    header();
    String type = a == Arithmetic.FLOAT32 ? "float32" : a == Arithmetic.BFLOAT16 ? "bfloat16"
        : "float16";
    System.out.printf(Locale.ROOT, "%-9s %-8s %5s %10s %17s %10s %9.1f %9s  (%dx%dx%d %s"
        + " tensors, median of %d; TF_ENABLE_ONEDNN_OPTS=%s, oneDNN weight cache %s)%n",
        "matmul", a.precision().label(), "-", "-", "-", "-", gflops, "1.00", matmul, matmul,
        matmul, type, matmulRuns, onednn, OneDnnWeightCache.on() ? "on" : "off");
  }

  private void emit(String what, Precision p, int batch, Timing t, double gflops,
      double limit) {
    double median = t.median(), p10 = t.quantile(0.1), p90 = t.quantile(0.9);
    double ips = batch / median;
    if (json) {
      Json j = new Json().put("mode", what).put("batch", batch);
      if (p != null) {
        j.put("precision", p.label());
      }
      measured.add(j.put("seconds_per_step", median).put("p10", p10).put("p90", p90)
          .put("images_per_second", ips).put("gflops", gflops).put("matmul_limit_gflops", limit)
          .put("fraction_of_limit", gflops / limit));
      return;
    }
    header();
    System.out.printf(Locale.ROOT, "%-9s %-8s %5d %10.4f %8.4f..%-8.4f %10.1f %9s %9s%n", what,
        p == null ? "-" : p.label(), batch, median, p10, p90, ips,
        Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.1f", gflops),
        Double.isNaN(gflops) || Double.isNaN(limit) ? "-"
            : String.format(Locale.ROOT, "%.2f", gflops / limit));
  }
}
