package io.alexnet.graph;

import org.tensorflow.proto.ConfigProto;

/** The session settings this project runs under, as TensorFlow's ConfigProto. */
public final class SessionConfig {
  private SessionConfig() {}

  /**
   * Soft placement on, so a tower pinned to a GPU that is not there runs on the CPU instead of
   * failing. {@code virtualCpus} > 1 splits the CPU into that many devices (/device:CPU:0..n-1),
   * which is how the two-tower placement is exercised on a machine without GPUs. Threads 0 means
   * TensorFlow's default (all cores).
   */
  public static ConfigProto create(int virtualCpus, int intraOpThreads, int interOpThreads) {
    ConfigProto.Builder b =
        ConfigProto.newBuilder()
            .setAllowSoftPlacement(true)
            .setIntraOpParallelismThreads(intraOpThreads)
            .setInterOpParallelismThreads(interOpThreads);
    if (virtualCpus > 1) {
      b.putDeviceCount("CPU", virtualCpus);
    }
    b.getGpuOptionsBuilder().setAllowGrowth(true);
    return b.build();
  }

  /** Defaults: one CPU device, TensorFlow's thread pools. */
  public static ConfigProto defaults() {
    return create(1, 0, 0);
  }
}
