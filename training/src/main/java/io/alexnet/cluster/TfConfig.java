package io.alexnet.cluster;

import io.alexnet.io.JsonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster described in the {@code TF_CONFIG} environment variable, TensorFlow's own format,
 * which orchestrators (Kubeflow's TFJob, Vertex AI, SageMaker) set for every task:
 *
 * <pre>{"cluster": {"chief": ["h0:2222"], "worker": ["h1:2222", "h2:2222"], "ps": ["h3:2222"]},
 *  "task": {"type": "worker", "index": 0}}</pre>
 *
 * <p>This program's clusters have ps tasks and worker tasks, worker 0 the chief. A {@code
 * chief} job, when present, is that worker 0, and the {@code worker} job's tasks follow it;
 * without one, worker 0 is the chief. Other keys ({@code environment}, say) are left alone.
 *
 * @param spec the cluster as the {@code --cluster} flags would give it
 * @param job this task's job in it: {@value ClusterSpec#PS} or {@value ClusterSpec#WORKER}
 * @param task this task's index in that job
 */
public record TfConfig(ClusterSpec spec, String job, int task) {

  /** The environment variable. */
  public static final String VARIABLE = "TF_CONFIG";

  private static final Set<String> JOBS = Set.of("chief", "worker", "ps");

  /**
   * Reads a TF_CONFIG value.
   *
   * @param json the variable's value
   * @return the cluster and this task
   * @throws IllegalArgumentException naming the key that is wrong and what was expected
   */
  public static TfConfig parse(String json) {
    Object doc;
    try {
      doc = JsonText.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(VARIABLE + " is not JSON: " + e.getMessage(), e);
    }
    Map<String, Object> top = object(doc, "");
    Map<String, Object> cluster = object(top.get("cluster"), "cluster");
    for (String job : cluster.keySet()) {
      if (!JOBS.contains(job)) {
        throw wrong("cluster." + job, "a job this program runs: chief, worker or ps");
      }
    }
    List<String> chief = addresses(cluster, "chief");
    List<String> workers = addresses(cluster, "worker");
    List<String> ps = addresses(cluster, "ps");
    if (chief.size() > 1) {
      throw wrong("cluster.chief", "one address (a cluster has one chief)");
    }
    if (ps.isEmpty()) {
      throw wrong("cluster.ps", "the addresses of the ps tasks, which hold the variables");
    }
    if (chief.isEmpty() && workers.isEmpty()) {
      throw wrong("cluster.worker", "the addresses of the worker tasks (or a cluster.chief)");
    }
    Map<String, Object> task = object(top.get("task"), "task");
    Object type = task.get("type");
    if (!(type instanceof String t) || !JOBS.contains(t)) {
      throw wrong("task.type", "chief, worker or ps");
    }
    Object index = task.getOrDefault("index", 0.0);
    if (!(index instanceof Double d) || d != Math.rint(d) || d < 0) {
      throw wrong("task.index", "a whole number, 0 or more");
    }
    int i = d.intValue();
    int count = t.equals("chief") ? chief.size() : t.equals("worker") ? workers.size()
        : ps.size();
    if (i >= count) {
      throw wrong("task.index", "less than the " + count + " task(s) of cluster." + t + ", not "
          + i);
    }
    List<String> allWorkers = new ArrayList<>(chief);
    allWorkers.addAll(workers);
    ClusterSpec spec = ClusterSpec.parse(List.of(ClusterSpec.PS + "=" + String.join(",", ps),
        ClusterSpec.WORKER + "=" + String.join(",", allWorkers)));
    return switch (t) {
      case "ps" -> new TfConfig(spec, ClusterSpec.PS, i);
      case "chief" -> new TfConfig(spec, ClusterSpec.WORKER, 0);
      default -> new TfConfig(spec, ClusterSpec.WORKER, chief.size() + i);
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v, String key) {
    if (!(v instanceof Map)) {
      throw wrong(key.isEmpty() ? "(the whole value)" : key, "a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static List<String> addresses(Map<String, Object> cluster, String job) {
    Object v = cluster.get(job);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw wrong("cluster." + job, "a list of \"HOST:PORT\" strings");
    }
    List<String> out = new ArrayList<>();
    for (Object a : list) {
      if (!(a instanceof String s) || !s.matches("(\\[[^\\]]+\\]|[^\\s:\\[\\]]+):\\d{1,5}")) {
        throw wrong("cluster." + job, "a list of \"HOST:PORT\" strings, not " + a);
      }
      out.add(s);
    }
    return out;
  }

  private static IllegalArgumentException wrong(String key, String expected) {
    return new IllegalArgumentException(VARIABLE + "'s " + key + ": expected " + expected);
  }
}
