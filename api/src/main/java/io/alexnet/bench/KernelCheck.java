package io.alexnet.bench;

import io.alexnet.cluster.ClusterSpec;
import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Preprocessor;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.runtime.KernelCoverage;
import io.alexnet.runtime.KernelRegistry;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.train.FineTuning;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.TrainingGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.proto.GraphDef;

/**
 * Whether every op of this project's graphs has a GPU kernel, checked against the loaded
 * library's kernel registry: the training step (forward, hand-written gradients, the paper's
 * update; replicas; synchronous cluster training) and the inference network with its towers on
 * two GPUs, and the exported SavedModel's graph as TensorFlow Serving would place it. The
 * CUDA build registers its GPU kernels without a GPU, so the check runs on any machine with
 * that build.
 */
public final class KernelCheck {
  private KernelCheck() {}

  /**
   * One graph's result.
   *
   * @param graph which graph: train, infer or savedmodel
   * @param devices the devices its towers were pinned to ("none" for the SavedModel's)
   * @param ops the graph's ops
   * @param missing the ops that would run on the CPU for want of a GPU kernel
   */
  public record Report(String graph, String devices, int ops,
      List<KernelCoverage.Missing> missing, List<String> float32Only) {
    Report(String graph, String devices, int ops, List<KernelCoverage.Missing> missing) {
      this(graph, devices, ops, missing, List.of());
    }
  }

  /**
   * The training graph of the paper-sized {@code variant} with {@code replicas} replicas, each
   * tower on a GPU of its own; with {@code sync}, as worker 0 of a synchronous cluster (its
   * shared state on the ps task's CPU, by design).
   *
   * @param variant the network
   * @param replicas data-parallel replicas (at least 1)
   * @param sync as a synchronous cluster worker
   * @param kernels the registry to check against
   * @return the ops a GPU host would run on its CPU for want of a GPU kernel
   */
  public static Report train(Variant variant, int replicas, boolean sync,
      KernelRegistry kernels) {
    return train(variant, replicas, sync, Arithmetic.FLOAT32, kernels);
  }

  /**
   * The same for a session computing in {@code a}: for FLOAT16 (mixed precision on a GPU),
   * the graph with its loss scaling, checked as built, and each of its floating-point ops
   * checked for a float16 GPU kernel, which the CUDA rewrite needs to convert it (those
   * without one stay float32: slower, not wrong), listed in {@link Report#float32Only}.
   *
   * @param variant the network
   * @param replicas data-parallel replicas (at least 1)
   * @param sync as a synchronous cluster worker
   * @param a the arithmetic the graph is built for
   * @param kernels the registry to check against
   * @return the ops a GPU host would run on its CPU for want of a GPU kernel
   */
  public static Report train(Variant variant, int replicas, boolean sync, Arithmetic a,
      KernelRegistry kernels) {
    ModelConfig model = ModelConfig.builder().variant(variant).arithmetic(a).build();
    List<DevicePlan> plans = DevicePlan.replicas(gpus(Math.max(1, replicas) * variant.towers()),
        variant, Math.max(1, replicas));
    Optional<WorkerRole> role = Optional.empty();
    if (sync) {
      // Addresses only name the tasks: building the graph contacts none of them.
      ClusterSpec spec = ClusterSpec.parse(List.of("ps=localhost:2222",
          "worker=localhost:2223,localhost:2224"));
      role = Optional.of(new WorkerRole(spec, 0, true, "grpc://localhost:2223"));
    }
    try (TrainingGraph tg = TrainingGraph.build(model.toBuilder().devices(plans.get(0)).build(),
        plans, TrainConfig.paper(), FineTuning.NONE, role)) {
      GraphDef def = tg.graph().toGraphDef();
      return new Report("train", plans.toString() + (sync ? ", synchronous cluster" : "")
          + (a == Arithmetic.FLOAT32 ? "" : ", " + a.description()), def.getNodeCount(),
          KernelCoverage.check(def, kernels), a.needsLossScaling()
              ? KernelCoverage.withoutFloat16(def, kernels) : List.of());
    }
  }

  /**
   * The inference network with its towers on /GPU:0 and /GPU:1.
   *
   * @param variant the network
   * @param kernels the registry to check against
   * @return the ops a GPU host would run on its CPU for want of a GPU kernel
   */
  public static Report infer(Variant variant, KernelRegistry kernels) {
    DevicePlan plan = DevicePlan.replicas(gpus(variant.towers()), variant, 1).get(0);
    ModelConfig model = ModelConfig.builder().variant(variant).devices(plan).build();
    try (Graph g = new Graph()) {
      AlexNet.build(g, model, AlexNet.Mode.INFERENCE);
      GraphDef def = g.toGraphDef();
      return new Report("infer", plan.toString(), def.getNodeCount(),
          KernelCoverage.check(def, kernels));
    }
  }

  /**
   * The graph a SavedModel export writes (no device pins): the ops TensorFlow Serving would
   * run on the CPU of a GPU host.
   *
   * @param variant the network
   * @param kernels the registry to check against
   * @return the ops with no GPU kernel
   */
  public static Report savedModel(Variant variant, KernelRegistry kernels) {
    ModelConfig model = ModelConfig.builder().variant(variant).build();
    GraphDef def = InferenceNetwork.graphOf(model, new Preprocessor(model.imageSize(), null));
    return new Report("savedmodel", "none", def.getNodeCount(),
        KernelCoverage.check(def, kernels));
  }

  private static List<String> gpus(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("/device:GPU:" + i);
    }
    return out;
  }
}
