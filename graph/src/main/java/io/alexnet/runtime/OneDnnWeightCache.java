package io.alexnet.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * oneDNN's weight cache, turned on for a whole process by {@code
 * TF_ONEDNN_ASSUME_FROZEN_WEIGHTS=1}: each convolution and MatMul kernel keeps the weights it
 * reordered into oneDNN's layout on its first run and reuses them ever after. For inference that
 * saves reordering the weights on every batch (a few percent here, BENCHMARKS.md); for training
 * it is wrong, since the forward pass goes on using the first weights while the update changes
 * them (a run measured with it on diverged within two epochs). TensorFlow reads the variable
 * once, so it holds for the process: {@code tools/alexnet} sets it for the commands that only
 * run inference, and building a training graph refuses it.
 */
public final class OneDnnWeightCache {
  public static final String VARIABLE = "TF_ONEDNN_ASSUME_FROZEN_WEIGHTS";

  private OneDnnWeightCache() {}

  /** Whether this process runs with the cache on. */
  public static boolean on() {
    return on(System.getenv());
  }

  /** As TensorFlow reads it: "1" or "true" in any case is on. */
  static boolean on(Map<String, String> env) {
    String v = env.get(VARIABLE);
    return v != null && (v.trim().equals("1") || v.trim().toLowerCase(Locale.ROOT).equals("true"));
  }

  /** Refuses to build a training graph in a process whose weights oneDNN would keep fixed. */
  public static void refuseForTraining() {
    refuseForTraining(System.getenv());
  }

  static void refuseForTraining(Map<String, String> env) {
    if (on(env)) {
      throw new IllegalArgumentException(VARIABLE + "=" + env.get(VARIABLE) + " makes oneDNN keep"
          + " the first weights it sees, which training changes every step (the run would"
          + " diverge); unset it for training, it is meant for processes that only run"
          + " inference");
    }
  }
}
