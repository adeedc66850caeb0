package io.alexnet.cli;

import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Flags for TensorFlow's session, shared by every command that runs the network. */
public final class SessionFlags {

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "TensorFlow intra-op threads (0: all cores). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--virtual-cpus", defaultValue = "1", paramLabel = "N",
      description = "Split the CPU into N TensorFlow devices (for --devices /device:CPU:1)."
          + " Default: ${DEFAULT-VALUE}.")
  int virtualCpus;

  @Option(names = "--precision", paramLabel = "auto|float32|mixed",
      description = "What convolutions and matrix products compute in: mixed is bfloat16 on a"
          + " CPU with AVX512_BF16 or AMX (float16 on a GPU) with float32 variables; auto is"
          + " mixed where that is native, else float32 (a resumed run: its own)."
          + " Default: auto.")
  String precision;

  /** These flags as arguments, for a command that runs another. */
  public java.util.List<String> arguments() {
    java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("--threads",
        Integer.toString(threads), "--virtual-cpus", Integer.toString(virtualCpus)));
    if (precision != null) {
      a.addAll(java.util.List.of("--precision", precision));
    }
    return a;
  }

  /** The session options these flags give. */
  public SessionOptions options() {
    List<Precision> p = precisions();
    if (p.size() > 1) {
      throw new IllegalArgumentException("--precision takes one of auto, float32, mixed here,"
          + " got " + precision);
    }
    return SessionOptions.DEFAULT.withThreads(threads).withVirtualCpus(virtualCpus)
        .withPrecision(p.get(0));
  }

  /** These flags' session in precision {@code p}: for a command that runs several. */
  public SessionOptions options(Precision p) {
    return SessionOptions.DEFAULT.withThreads(threads).withVirtualCpus(virtualCpus)
        .withPrecision(p);
  }

  /** The precisions asked for: bench takes several, separated by commas (auto if none). */
  public List<Precision> precisions() {
    if (precision == null) {
      return List.of(Precision.AUTO);
    }
    return Arrays.stream(precision.split(",")).map(String::trim).map(Precision::parse)
        .distinct().toList();
  }
}
