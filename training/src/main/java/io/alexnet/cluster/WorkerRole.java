package io.alexnet.cluster;

import io.alexnet.graph.DevicePlan;
import java.util.List;

/**
 * This process's part in between-graph training: worker task {@code index} of {@code cluster},
 * running its sessions through {@code target} (its own server). Task 0 is the chief: it
 * initializes or restores the model, validates, and writes checkpoints and summaries.
 *
 * @param sync aggregate every worker's gradients into one update per step (else each worker
 *     updates the shared variables on its own, asynchronously)
 * @param waitLimit how long this task waits for the others: at start, for every task to
 *     answer; in synchronous training, for a step's gradients from every worker
 */
public record WorkerRole(ClusterSpec cluster, int index, boolean sync, String target,
    java.time.Duration waitLimit) {

  /** Long enough to start a cluster's tasks by hand, one machine after another. */
  public static final java.time.Duration DEFAULT_WAIT = java.time.Duration.ofMinutes(5);

  public WorkerRole {
    cluster.checkTask(ClusterSpec.WORKER, index);
    if (waitLimit.isNegative() || waitLimit.isZero()) {
      throw new IllegalArgumentException("the wait limit must be positive, got " + waitLimit);
    }
  }

  public WorkerRole(ClusterSpec cluster, int index, boolean sync, String target) {
    this(cluster, index, sync, target, DEFAULT_WAIT);
  }

  public boolean chief() {
    return index == 0;
  }

  public int workers() {
    return cluster.count(ClusterSpec.WORKER);
  }

  /** Where the variables go: the ps tasks' CPUs. */
  public List<String> variableDevices() {
    return cluster.psDevices();
  }

  /** Where shared step state (global step, learning rate, sync queues) lives: ps task 0. */
  public String stateDevice() {
    return cluster.psDevices().get(0);
  }

  /** {@code plan} with this task's job and index in front of each device, e.g. /device:GPU:1. */
  public DevicePlan local(DevicePlan plan) {
    return new DevicePlan(local(plan.towerA()), local(plan.towerB()));
  }

  private String local(String device) {
    if (device.startsWith("/job:")) {
      return device;
    }
    return ClusterSpec.task(ClusterSpec.WORKER, index) + device;
  }

  @Override
  public String toString() {
    return "worker task " + index + " of " + workers() + (chief() ? " (chief)" : "")
        + (sync ? ", synchronous" : ", asynchronous");
  }
}
