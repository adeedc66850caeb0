package io.alexnet.bench;

import java.util.Arrays;

/**
 * Seconds per repetition: median and spread.
 *
 * @param seconds each timed repetition's seconds, in the order run
 */
public record Timing(double[] seconds) {

  /** @return the median repetition's seconds */
  public double median() {
    return quantile(0.5);
  }

  /**
   * @param q between 0 and 1
   * @return the {@code q} quantile of the seconds, interpolated linearly
   */
  public double quantile(double q) {
    double[] s = seconds.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  /**
   * Repeats {@code body} {@code warmup} times untimed, then {@code runs} times timed.
   *
   * @param warmup untimed repetitions first
   * @param runs timed repetitions
   * @param body what to time
   * @return the timed repetitions' seconds
   */
  public static Timing of(int warmup, int runs, Runnable body) {
    for (int i = 0; i < warmup; i++) {
      body.run();
    }
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    return new Timing(t);
  }
}
