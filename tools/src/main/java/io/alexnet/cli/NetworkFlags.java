package io.alexnet.cli;

import io.alexnet.graph.DevicePlan;
import io.alexnet.runtime.Devices;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import picocli.CommandLine.Option;

/** Flags that choose the network's architecture, shared by every command that builds one. */
public final class NetworkFlags {

  @Option(names = "--variant", defaultValue = "paper",
      description = "paper (two towers, grouped convs) or one-tower. Default: ${DEFAULT-VALUE}.")
  String variant;

  @Option(names = "--classes",
      description = "Classes in the last layer. Default: the data's, or 1000.")
  Integer classes;

  @Option(names = "--image-size", defaultValue = "227",
      description = "Input height and width. Default: ${DEFAULT-VALUE}.")
  int imageSize;

  @Option(names = "--width", defaultValue = "1.0",
      description = "Multiplier on every layer's size (1 = the paper). Default: ${DEFAULT-VALUE}.")
  double width;

  @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--devices", defaultValue = "auto",
      description = "auto (two GPUs if visible, else one device), DEV, DEV_A,DEV_B"
          + " (e.g. /device:CPU:0,/device:CPU:1), or a longer list for replicas: consecutive"
          + " pairs form a two-tower replica. Default: ${DEFAULT-VALUE}.")
  String devices;

  @Option(names = "--replicas", defaultValue = "0",
      description = "Data-parallel replicas, each on a slice of the batch (0: as many as"
          + " --devices makes). Default: ${DEFAULT-VALUE}.")
  int replicas;

  ModelConfig config() {
    return config(1000);
  }

  /** The model, with {@code defaultClasses} unless --classes was given. */
  ModelConfig config(int defaultClasses) {
    return ModelConfig.builder()
        .variant(Variant.parse(variant))
        .classes(classes != null ? classes : defaultClasses)
        .imageSize(imageSize)
        .width(width)
        .seed(seed)
        .devices(plan())
        .build();
  }

  /** The first replica's device plan. */
  DevicePlan plan() {
    return replicaPlans(Variant.parse(variant)).get(0);
  }

  /**
   * One device plan per replica of a {@code v} network; warns on stderr when they name GPUs
   * TensorFlow lacks.
   */
  java.util.List<DevicePlan> replicaPlans(Variant v) {
    int gpus = Devices.gpuCount();
    java.util.List<DevicePlan> plans = DevicePlan.plans(devices, v, replicas, gpus);
    plans.stream().filter(DevicePlan::usesGpu).findFirst()
        .flatMap(p -> p.unavailable(gpus)).ifPresent(w -> System.err.println("warning: " + w));
    return plans;
  }
}
