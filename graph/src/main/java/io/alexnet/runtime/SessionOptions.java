package io.alexnet.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * How every TensorFlow session of this program is set up: threads, virtual CPU devices and
 * precision. Training, inference, export, benchmarks and Spark executors all open their
 * sessions from one of these, so a setting means the same everywhere.
 *
 * @param threads TensorFlow's intra-op threads (0: all cores)
 * @param interOpThreads TensorFlow's inter-op threads (0: its default)
 * @param virtualCpus split the CPU into this many devices (/device:CPU:0..n-1), how the
 *     two-tower placement is exercised without GPUs; 1 is the plain CPU
 * @param precision what the arithmetic runs in (auto is decided where a session opens: on a
 *     Spark executor, by that executor's machine)
 */
public record SessionOptions(int threads, int interOpThreads, int virtualCpus,
    Precision precision) implements java.io.Serializable {

  /** All cores, one CPU device, auto precision. */
  public static final SessionOptions DEFAULT = new SessionOptions(0, 0, 1, Precision.AUTO);

  /**
   * All cores, float32: the graph exactly as built, for work whose result must not depend on
   * the machine (writing weights, checks against a reference).
   */
  public static final SessionOptions FLOAT32 = new SessionOptions(0, 0, 1, Precision.FLOAT32);

  public SessionOptions {
    if (threads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("threads must be 0 (all cores) or more, got "
          + Math.min(threads, interOpThreads));
    }
    if (virtualCpus < 1) {
      throw new IllegalArgumentException("virtual CPUs must be 1 or more, got " + virtualCpus);
    }
  }

  /** @return these options with {@code n} intra-op threads (0: all cores) */
  public SessionOptions withThreads(int n) {
    return new SessionOptions(n, interOpThreads, virtualCpus, precision);
  }

  /** @return these options with {@code n} inter-op threads (0: TensorFlow's default) */
  public SessionOptions withInterOpThreads(int n) {
    return new SessionOptions(threads, n, virtualCpus, precision);
  }

  /** @return these options with the CPU split into {@code n} devices */
  public SessionOptions withVirtualCpus(int n) {
    return new SessionOptions(threads, interOpThreads, n, precision);
  }

  /** @return these options computing in {@code p} */
  public SessionOptions withPrecision(Precision p) {
    return new SessionOptions(threads, interOpThreads, virtualCpus, p);
  }

  /**
   * What the sessions compute in on this machine.
   *
   * @throws IllegalArgumentException when mixed precision is asked for where it is not native
   */
  public Arithmetic arithmetic() {
    // Float32 needs no look at the machine (which loads TensorFlow to count GPUs).
    return precision == Precision.FLOAT32 ? Arithmetic.FLOAT32
        : Machine.current().arithmetic(precision);
  }

  /** TensorFlow's settings for a session, with this machine's arithmetic. */
  public ConfigProto configProto() {
    return configProto(arithmetic());
  }

  /**
   * TensorFlow's settings for a session that computes in {@code a}. Soft placement is on, so a
   * tower pinned to a GPU that is not there runs on the CPU instead of failing; GPU memory
   * grows as needed. FLOAT32 sets no rewrite: the graph runs exactly as built.
   */
  public ConfigProto configProto(Arithmetic a) {
    ConfigProto.Builder b = ConfigProto.newBuilder()
        .setAllowSoftPlacement(true)
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(interOpThreads);
    if (virtualCpus > 1) {
      b.putDeviceCount("CPU", virtualCpus);
    }
    b.getGpuOptionsBuilder().setAllowGrowth(true);
    RewriterConfig.Toggle on = RewriterConfig.Toggle.ON;
    switch (a) {
      case BFLOAT16 -> b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
          .setAutoMixedPrecisionOnednnBfloat16(on);
      case FLOAT16 -> b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
          .setAutoMixedPrecision(on);
      case FLOAT16_CPU_EMULATION -> b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
          .setAutoMixedPrecisionCpu(on);
      case FLOAT32 -> { }
    }
    return b.build();
  }
}
