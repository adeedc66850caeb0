package io.alexnet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this machine offers the arithmetic: the CPU's 16-bit instructions, whether TensorFlow's
 * oneDNN kernels are on, and the GPUs TensorFlow sees. The one place that decides what a
 * {@link Precision} becomes.
 *
 * @param bfloat16Flags the CPU flags that give native bfloat16 dot products (avx512_bf16,
 *     amx_bf16), empty on a CPU without them
 * @param oneDnn whether TensorFlow's oneDNN kernels are on in this process (TF Java's build
 *     leaves them off unless {@code TF_ENABLE_ONEDNN_OPTS=1} is set before it loads)
 * @param gpus GPUs TensorFlow can use (0 with the CPU build)
 */
public record Machine(Set<String> bfloat16Flags, boolean oneDnn, int gpus) {
  /** The environment variable TensorFlow reads once, when it loads, to turn oneDNN on. */
  public static final String ONEDNN_VARIABLE = "TF_ENABLE_ONEDNN_OPTS";
  private static final Set<String> BFLOAT16_FLAGS = Set.of("avx512_bf16", "amx_bf16");
  private static volatile Machine current;

  public Machine {
    bfloat16Flags = Set.copyOf(bfloat16Flags);
  }

  /** This process's machine, read once. */
  public static Machine current() {
    Machine m = current;
    if (m == null) {
      synchronized (Machine.class) {
        if (current == null) {
          current = new Machine(cpuFlags(Path.of("/proc/cpuinfo")),
              oneDnnOn(System.getenv()), Devices.gpuCount());
        }
        m = current;
      }
    }
    return m;
  }

  /**
   * The arithmetic {@code p} runs in here.
   *
   * @param p the precision asked for
   * @return FLOAT32 for float32; for mixed, FLOAT16 on a GPU, else BFLOAT16; for auto, mixed
   *     where that is native and float32 elsewhere
   * @throws IllegalArgumentException when mixed is asked for where it would run slower than
   *     float32 (a CPU without bfloat16 instructions, or oneDNN off), saying what to do
   */
  public Arithmetic arithmetic(Precision p) {
    switch (p) {
      case FLOAT32:
        return Arithmetic.FLOAT32;
      case MIXED:
        return mixed().orElseThrow(() -> new IllegalArgumentException(
            "mixed precision needs " + whyNotMixed() + "; use precision float32, or auto"));
      default:
        return mixed().orElse(Arithmetic.FLOAT32);
    }
  }

  private java.util.Optional<Arithmetic> mixed() {
    if (gpus > 0) {
      return java.util.Optional.of(Arithmetic.FLOAT16);
    }
    if (!bfloat16Flags.isEmpty() && oneDnn) {
      return java.util.Optional.of(Arithmetic.BFLOAT16);
    }
    return java.util.Optional.empty();
  }

  /** What is missing for mixed precision, as the end of a sentence. */
  private String whyNotMixed() {
    if (bfloat16Flags.isEmpty()) {
      return "a GPU or a CPU with bfloat16 instructions (AVX512_BF16 or AMX), and this CPU has"
          + " neither: in emulation it would be slower than float32";
    }
    return "TensorFlow's oneDNN kernels, which are off in this process: set " + ONEDNN_VARIABLE
        + "=1 before it starts (tools/alexnet does)";
  }

  /** One line for headers: the CPU's bfloat16 support, oneDNN, GPUs. */
  public String describe() {
    String cpu = bfloat16Flags.isEmpty() ? "no bfloat16 instructions"
        : "bfloat16 instructions (" + String.join(", ", new TreeSet<>(bfloat16Flags)) + ")";
    return "CPU with " + cpu + "; oneDNN " + (oneDnn ? "on" : "off") + "; "
        + (gpus == 0 ? "no GPU" : gpus + " GPU" + (gpus > 1 ? "s" : ""));
  }

  /** The bfloat16 flags of the first processor in a /proc/cpuinfo file (none if unreadable). */
  static Set<String> cpuFlags(Path cpuinfo) {
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("flags")) {
          Set<String> found = new TreeSet<>();
          Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
              .filter(BFLOAT16_FLAGS::contains).forEach(found::add);
          return found;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no such file: assume no bfloat16, the safe answer.
    }
    return Set.of();
  }

  /** As TensorFlow reads the variable: 1 or true (any case) turns oneDNN on. */
  static boolean oneDnnOn(Map<String, String> env) {
    String v = env.get(ONEDNN_VARIABLE);
    return v != null && (v.trim().equals("1") || v.trim().toLowerCase(Locale.ROOT).equals("true"));
  }
}
