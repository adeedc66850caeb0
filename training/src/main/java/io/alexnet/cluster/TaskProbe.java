package io.alexnet.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the other tasks of a cluster answer, asked with a plain TCP connection to each one's
 * port. TensorFlow's own session setup waits without limit for a task that never comes up
 * ("CreateSession still waiting for response from worker"), and a blocked synchronous step
 * cannot say whom it waits for; this says both, by name and address.
 */
public final class TaskProbe {
  private static final int CONNECT_MS = 2000;

  private TaskProbe() {}

  /** Why {@code job}/{@code task} does not answer, or empty when it does. */
  public static Optional<String> problem(ClusterSpec spec, String job, int task) {
    String addr = spec.address(job, task);
    int colon = addr.lastIndexOf(':');
    String host = addr.substring(0, colon);
    int port = Integer.parseInt(addr.substring(colon + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), CONNECT_MS);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** Every task but {@code self} that does not answer now, each as "JOB task I at ADDR (why)". */
  public static List<String> silent(ClusterSpec spec, String selfJob, int selfTask) {
    List<String> out = new ArrayList<>();
    for (String job : List.of(ClusterSpec.PS, ClusterSpec.WORKER)) {
      for (int t = 0; t < spec.count(job); t++) {
        if (job.equals(selfJob) && t == selfTask) {
          continue;
        }
        int task = t;
        problem(spec, job, t).ifPresent(why -> out.add(job + " task " + task + " at "
            + spec.address(job, task) + " (" + why + ")"));
      }
    }
    return out;
  }

  /**
   * Waits until every other task answers, asking once a second, for at most {@code limit};
   * then refuses, naming the tasks that never did.
   */
  public static void awaitAll(ClusterSpec spec, String selfJob, int selfTask, Duration limit,
      java.util.function.Consumer<String> say) {
    long end = System.nanoTime() + limit.toNanos();
    long lastSaid = System.nanoTime();
    while (true) {
      List<String> silent = silent(spec, selfJob, selfTask);
      if (silent.isEmpty()) {
        return;
      }
      if (System.nanoTime() >= end) {
        throw new IllegalStateException("gave up after " + limit.toSeconds() + " s: "
            + String.join(", ", silent) + " did not answer. Start every task of the cluster"
            + " (ps tasks first), or check the addresses and firewalls.");
      }
      if (System.nanoTime() - lastSaid > 10_000_000_000L) {
        say.accept("waiting for " + String.join(", ", silent));
        lastSaid = System.nanoTime();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the cluster", e);
      }
    }
  }
}
