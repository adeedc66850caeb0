package io.alexnet.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.graph.DevicePlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ClusterDef;

class ClusterSpecTest {
  static final List<String> FLAGS =
      List.of("ps=10.0.0.1:2222,10.0.0.2:2222", "worker=10.0.0.1:2223,10.0.0.2:2223");

  @Test
  void parsesTheFlagsIntoTensorFlowsClusterDef() {
    ClusterSpec spec = ClusterSpec.parse(FLAGS);
    assertEquals(2, spec.count("ps"));
    assertEquals("10.0.0.2:2223", spec.address("worker", 1));
    assertEquals(List.of("/job:ps/task:0/device:CPU:0", "/job:ps/task:1/device:CPU:0"),
        spec.psDevices());
    ClusterDef def = spec.toProto();
    assertEquals(2, def.getJobCount());
    assertEquals("10.0.0.2:2222", def.getJob(0).getTasksOrThrow(1));
    assertEquals("worker", def.getJob(1).getName());
  }

  @Test
  void refusesMalformedClustersWithTheReason() {
    assertMessage("needs a worker= entry", List.of("ps=h:1"));
    assertMessage("jobs are ps and worker", List.of("ps=h:1", "chief=h:2", "worker=h:3"));
    assertMessage("port is not a number", List.of("ps=h:x", "worker=h:3"));
    assertMessage("no port", List.of("ps=h", "worker=h:3"));
    assertMessage("lists h:1 twice", List.of("ps=h:1", "worker=h:1"));
    assertMessage("given twice", List.of("ps=h:1", "ps=h:2", "worker=h:3"));
    assertMessage("takes JOB=HOST:PORT", List.of("h:1"));
    ClusterSpec spec = ClusterSpec.parse(FLAGS);
    var e = assertThrows(IllegalArgumentException.class, () -> spec.checkTask("worker", 2));
    assertTrue(e.getMessage().contains("the cluster has 2 (0..1)"), e.getMessage());
  }

  private static void assertMessage(String part, List<String> flags) {
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterSpec.parse(flags));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  @Test
  void aWorkersDevicesAreItsOwnAndTheVariablesThePsTasks() {
    WorkerRole role = new WorkerRole(ClusterSpec.parse(FLAGS), 1, false, "grpc://localhost:1");
    assertFalse(role.chief());
    assertEquals(new DevicePlan("/job:worker/task:1/device:GPU:0", "/job:worker/task:1/device:GPU:1"),
        role.local(new DevicePlan("/device:GPU:0", "/device:GPU:1")));
    assertEquals(DevicePlan.single("/job:worker/task:1"), role.local(DevicePlan.unpinned()));
    assertEquals("/job:ps/task:0/device:CPU:0", role.stateDevice());
    assertThrows(IllegalArgumentException.class,
        () -> new WorkerRole(ClusterSpec.parse(FLAGS), 2, false, "grpc://localhost:1"));
  }

  @Test
  void shardsCoverTheDataOnceWithSizesWithinOne() throws Exception {
    Dataset d = new io.alexnet.data.Dataset() {
      public int size() {
        return 11;
      }

      public List<String> classNames() {
        return List.of("a");
      }

      public io.alexnet.data.Example get(int i) {
        return new io.alexnet.data.Example(null, i);
      }

      public String describe() {
        return "eleven";
      }
    };
    Set<Integer> seen = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      Dataset shard = Subset.shard(d, s, 3);
      sizes.add(shard.size());
      for (int i = 0; i < shard.size(); i++) {
        assertTrue(seen.add(shard.get(i).label()));
      }
    }
    assertEquals(11, seen.size());
    assertEquals(List.of(4, 4, 3), sizes);
    assertThrows(IllegalArgumentException.class, () -> Subset.shard(d, 3, 3));
  }
}
