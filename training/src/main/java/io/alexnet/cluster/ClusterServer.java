package io.alexnet.cluster;

import org.tensorflow.Server;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;

/**
 * This process's task in a cluster: TensorFlow's gRPC server, which holds the task's devices
 * (and, on a ps task, the variables) and runs the graph pieces other tasks send it.
 *
 * <p>It listens on every interface and has no authentication: anyone who can reach the port can
 * run ops here, so clusters belong on a trusted network only. TF Java's Server.stop() is not
 * implemented, so a server lives as long as its process; there is deliberately no close().
 */
public final class ClusterServer {
  private final ClusterSpec spec;
  private final String job;
  private final int task;
  private final Server server;

  private ClusterServer(ClusterSpec spec, String job, int task, Server server) {
    this.spec = spec;
    this.job = job;
    this.task = task;
    this.server = server;
  }

  /**
   * Starts task {@code task} of {@code job}. {@code sessionConfig} sets the task's devices and
   * threads (its device_count makes virtual CPUs, as in a local session).
   */
  public static ClusterServer start(ClusterSpec spec, String job, int task,
      ConfigProto sessionConfig) {
    spec.checkTask(job, task);
    ServerDef def = ServerDef.newBuilder().setCluster(spec.toProto()).setJobName(job)
        .setTaskIndex(task).setProtocol("grpc").setDefaultSessionConfig(sessionConfig).build();
    Server s;
    try {
      s = new Server(def);
      s.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start " + job + " task " + task + " on "
          + spec.address(job, task) + ": " + e.getMessage()
          + " (is the port in use, or the host not this machine?)", e);
    }
    return new ClusterServer(spec, job, task, s);
  }

  /** The target a session in this process uses to run on the cluster through this task. */
  public String target() {
    String addr = spec.address(job, task);
    return "grpc://localhost:" + addr.substring(addr.lastIndexOf(':') + 1);
  }

  public String address() {
    return spec.address(job, task);
  }

  /** Serves until the process is killed (how a ps task runs). */
  public void join() {
    server.join();
  }

  @Override
  public String toString() {
    return job + " task " + task + " on " + address();
  }
}
