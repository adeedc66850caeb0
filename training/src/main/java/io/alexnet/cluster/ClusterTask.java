package io.alexnet.cluster;

import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This process's task in a multi-machine run, resolved once from what starts it: explicit
 * cluster addresses with a job and task, or an orchestrator's {@code TF_CONFIG} (Kubeflow,
 * Vertex AI, SageMaker), which the explicit ones may repeat but not contradict. A ps task
 * serves the variables ({@link #servePs}); a worker task starts its server and trains as
 * {@link #startWorker}'s role says, through {@code Training.fit}.
 *
 * @param spec every task's address
 * @param job {@value ClusterSpec#PS} or {@value ClusterSpec#WORKER}
 * @param index this task's index in its job (worker 0 is the chief)
 * @param sync average every worker's gradients into one update per step
 * @param waitLimit how long to wait for the other tasks
 */
public record ClusterTask(ClusterSpec spec, String job, int index, boolean sync,
    Duration waitLimit) {

  public ClusterTask {
    spec.checkTask(job, index);
  }

  /**
   * What starts this process, as the command line gives it.
   *
   * @param addresses {@code JOB=HOST:PORT[,HOST:PORT...]} entries; empty for none
   * @param job the job named, if any
   * @param index the task named, if any
   * @param sync synchronous training asked for
   * @param waitLimit how long to wait for the other tasks
   * @param environment the process's environment, where {@code TF_CONFIG} may be
   * @return this process's task; empty for a run on one machine
   * @throws IllegalArgumentException when the settings are incomplete or contradict each
   *     other, saying which
   */
  public static Optional<ClusterTask> resolve(List<String> addresses, Optional<String> job,
      Optional<Integer> index, boolean sync, Duration waitLimit,
      Map<String, String> environment) {
    String tfConfig = environment.get(TfConfig.VARIABLE);
    if (!addresses.isEmpty()) {
      ClusterSpec spec = ClusterSpec.parse(addresses);
      if (job.isEmpty()) {
        throw new IllegalArgumentException("--cluster needs --job worker or --job ps, and --task");
      }
      return Optional.of(new ClusterTask(spec, job.get(), index.orElse(0), sync, waitLimit));
    }
    if (tfConfig != null && !tfConfig.isBlank()) {
      TfConfig c = TfConfig.parse(tfConfig);
      if (job.isPresent() && !job.get().equals(c.job())
          || index.isPresent() && index.get() != c.task()) {
        throw new IllegalArgumentException(flags(job, index) + " contradicts "
            + TfConfig.VARIABLE + ", which makes this process " + c.job() + " task " + c.task()
            + ": drop the flags, or unset " + TfConfig.VARIABLE);
      }
      return Optional.of(new ClusterTask(c.spec(), c.job(), c.task(), sync, waitLimit));
    }
    if (job.isPresent() || index.isPresent() || sync) {
      throw new IllegalArgumentException("--job, --task and --sync are for cluster training:"
          + " give --cluster ps=HOST:PORT --cluster worker=HOST:PORT,..., or set "
          + TfConfig.VARIABLE);
    }
    return Optional.empty();
  }

  /** From {@code TF_CONFIG} alone: what a library caller in an orchestrated job reads. */
  public static Optional<ClusterTask> fromEnvironment(boolean sync) {
    return resolve(List.of(), Optional.empty(), Optional.empty(), sync, WorkerRole.DEFAULT_WAIT,
        System.getenv());
  }

  public boolean ps() {
    return job.equals(ClusterSpec.PS);
  }

  /** A worker that is not the chief: it shares the chief's data but keeps its own logs. */
  public boolean follower() {
    return !ps() && index > 0;
  }

  /**
   * Starts this worker's server and returns its role for {@code FitOptions.Advanced}.
   *
   * @param session the session settings the server's sessions default to
   * @return the role that trains through the server
   */
  public WorkerRole startWorker(SessionOptions session) {
    if (ps()) {
      throw new IllegalStateException("ps task " + index + " serves variables; it does not train");
    }
    // Float32: the distributed runtime has no kernels for the bfloat16 rewrite's fused ops.
    ClusterServer server = ClusterServer.start(spec, ClusterSpec.WORKER, index,
        session.withPrecision(Precision.FLOAT32).configProto());
    return new WorkerRole(spec, index, sync, server.target(), waitLimit);
  }

  /**
   * A ps task: serves the variables to the workers until the process is killed.
   *
   * @param session the session settings (threads) of the server
   * @param announce told the server's address once it listens
   */
  public void servePs(SessionOptions session, java.util.function.Consumer<String> announce) {
    if (!ps()) {
      throw new IllegalStateException("worker task " + index + " trains; it does not serve");
    }
    // A ps only stores and updates variables: its precision plays no part.
    ClusterServer server = ClusterServer.start(spec, ClusterSpec.PS, index,
        session.withVirtualCpus(1).withPrecision(Precision.FLOAT32).configProto());
    announce.accept(server.address());
    server.join();
  }

  private static String flags(Optional<String> job, Optional<Integer> task) {
    return (job.map(j -> "--job " + j).orElse("") + task.map(t -> " --task " + t).orElse(""))
        .trim();
  }
}
