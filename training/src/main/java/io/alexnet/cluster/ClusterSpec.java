package io.alexnet.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;

/**
 * Which host:port runs each task of each job: TensorFlow's ClusterDef, from flags like {@code
 * ps=10.0.0.1:2222} and {@code worker=10.0.0.1:2223,10.0.0.2:2223}. Task i of a job is its i-th
 * address. Every process of a cluster must be given the same spec.
 */
public record ClusterSpec(Map<String, List<String>> jobs) {
  public static final String PS = "ps";
  public static final String WORKER = "worker";

  public ClusterSpec {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    jobs.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    jobs = java.util.Collections.unmodifiableMap(copy);
  }

  /** Parses {@code --cluster JOB=HOST:PORT[,HOST:PORT..]} flags (one per job) and checks them. */
  public static ClusterSpec parse(List<String> flags) {
    Map<String, List<String>> jobs = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--cluster takes JOB=HOST:PORT[,HOST:PORT...], e.g."
            + " ps=10.0.0.1:2222 or worker=10.0.0.1:2223,10.0.0.2:2223; got '" + f + "'");
      }
      String job = f.substring(0, eq).trim();
      if (!job.equals(PS) && !job.equals(WORKER)) {
        throw new IllegalArgumentException("--cluster jobs are ps and worker, got '" + job + "'");
      }
      if (jobs.containsKey(job)) {
        throw new IllegalArgumentException("--cluster " + job + "= given twice; list all its"
            + " tasks in one flag, separated by commas");
      }
      List<String> tasks = new ArrayList<>();
      for (String a : f.substring(eq + 1).split(",")) {
        String addr = checkAddress(a.trim());
        if (seen.contains(addr)) {
          throw new IllegalArgumentException("--cluster lists " + addr + " twice: each task needs"
              + " its own port");
        }
        seen.add(addr);
        tasks.add(addr);
      }
      jobs.put(job, tasks);
    }
    for (String job : List.of(PS, WORKER)) {
      if (!jobs.containsKey(job)) {
        throw new IllegalArgumentException("--cluster needs a " + job + "= entry (a cluster has"
            + " ps tasks holding the variables and worker tasks computing)");
      }
    }
    return new ClusterSpec(jobs);
  }

  private static String checkAddress(String a) {
    int colon = a.lastIndexOf(':');
    String why = null;
    if (colon <= 0) {
      why = "no port";
    } else {
      try {
        int port = Integer.parseInt(a.substring(colon + 1));
        if (port < 1 || port > 65535) {
          why = "port out of range";
        }
      } catch (NumberFormatException e) {
        why = "port is not a number";
      }
    }
    if (why != null) {
      throw new IllegalArgumentException("--cluster address '" + a + "': " + why
          + " (expected HOST:PORT)");
    }
    return a;
  }

  public int count(String job) {
    return jobs.getOrDefault(job, List.of()).size();
  }

  public String address(String job, int task) {
    checkTask(job, task);
    return jobs.get(job).get(task);
  }

  /** Refuses a task index the spec does not have, saying which there are. */
  public void checkTask(String job, int task) {
    if (!jobs.containsKey(job)) {
      throw new IllegalArgumentException("--job must be one of " + jobs.keySet() + ", got '"
          + job + "'");
    }
    if (task < 0 || task >= count(job)) {
      throw new IllegalArgumentException("--task " + task + " is not a " + job + " task: the"
          + " cluster has " + count(job) + " (0.." + (count(job) - 1) + ")");
    }
  }

  /** TensorFlow's device prefix of a task, e.g. /job:ps/task:1. */
  public static String task(String job, int task) {
    return "/job:" + job + "/task:" + task;
  }

  /** The CPU of every ps task, where the variables are spread. */
  public List<String> psDevices() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count(PS); i++) {
      out.add(task(PS, i) + "/device:CPU:0");
    }
    return out;
  }

  public ClusterDef toProto() {
    ClusterDef.Builder b = ClusterDef.newBuilder();
    jobs.forEach((job, tasks) -> {
      JobDef.Builder j = JobDef.newBuilder().setName(job);
      for (int i = 0; i < tasks.size(); i++) {
        j.putTasks(i, tasks.get(i));
      }
      b.addJob(j);
    });
    return b.build();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    jobs.forEach((job, tasks) -> sb.append(sb.length() == 0 ? "" : " ").append(job).append('=')
        .append(String.join(",", tasks)));
    return sb.toString();
  }
}
