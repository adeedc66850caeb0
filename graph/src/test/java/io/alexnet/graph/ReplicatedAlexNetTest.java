package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/** Two two-tower replicas on four virtual CPUs against one replica on one device. */
class ReplicatedAlexNetTest {
  static final List<DevicePlan> FOUR = List.of(new DevicePlan("/device:CPU:0", "/device:CPU:1"),
      new DevicePlan("/device:CPU:2", "/device:CPU:3"));

  static ModelConfig config(DevicePlan devices) {
    return PlacementTest.small(devices);
  }

  record Step(double loss, float[] probabilities, List<double[]> grads, RunMetadata md) {}

  static Step step(TrainingNetwork net, Graph g, int virtualCpus, int batch) {
    Random rnd = new Random(4);
    float[] x = new float[batch * 67 * 67 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    int[] y = rnd.ints(batch, 0, 6).toArray();
    List<Output<?>> grads = net.addGradients();
    try (Session s = new Session(g, new SessionOptions(0, 0, virtualCpus, Precision.FLOAT32).configProto());
        Tensor images = HostTensors.of(Shape.of(batch, 67, 67, 3), x);
        Tensor labels = HostTensors.of(Shape.of(batch), y)) {
      Session.Runner r = s.runner().feed(net.images(), images).feed(net.labels(), labels)
          .fetch(net.loss()).fetch(net.probabilities()).setOptions(RunOptions.newBuilder()
              .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      grads.forEach(r::fetch);
      try (Result res = r.runAndFetchMetadata()) {
        List<double[]> gv = new ArrayList<>();
        for (int i = 2; i < res.size(); i++) {
          gv.add(HostTensors.doubles(res.get(i)));
        }
        return new Step(HostTensors.doubles(res.get(0))[0],
            HostTensors.floats((org.tensorflow.types.TFloat32) res.get(1)), gv,
            res.getMetadata().orElseThrow());
      }
    }
  }

  @Test
  void twoReplicasComputeWhatOneDoesOnTheSameBatch() {
    Step one, two;
    try (Graph g = new Graph()) {
      one = step(AlexNet.build(g, config(DevicePlan.single("/device:CPU:0")),
          AlexNet.Mode.TRAIN), g, 1, 6);
    }
    try (Graph g = new Graph()) {
      ReplicatedAlexNet net = ReplicatedAlexNet.build(g, config(FOUR.get(0)), FOUR);
      assertEquals(30, net.params().size()); // shared, not duplicated
      two = step(net, g, 4, 6);
    }
    assertEquals(one.loss(), two.loss(), 1e-5 * Math.abs(one.loss()));
    assertArrayEquals(one.probabilities(), two.probabilities(), 1e-5f);
    PlacementTest.assertGradientsClose(one.grads(), two.grads());
  }

  @Test
  void everyReplicaAndTowerRunsWhereThePlanSaysAndAveragingIsSpread() {
    try (Graph g = new Graph()) {
      ReplicatedAlexNet net = ReplicatedAlexNet.build(g, config(FOUR.get(0)), FOUR);
      // An odd batch: slices of 3 and 2.
      Step s = step(net, g, 4, 5);
      assertEquals(5 * 6, s.probabilities().length);
      Map<String, String> where = PlacementTest.placements(s.md());
      Set<String> seen = new HashSet<>();
      for (var e : where.entrySet()) {
        var m = java.util.regex.Pattern.compile(
            "replica([01])/(conv[1-5]|lrn[12]|pool[125]|fc[67])/([AB])/.*").matcher(e.getKey());
        if (m.matches()) {
          int device = 2 * Integer.parseInt(m.group(1)) + (m.group(3).equals("A") ? 0 : 1);
          assertTrue(e.getValue().endsWith("CPU:" + device), e.getKey() + " ran on "
              + e.getValue());
          seen.add(m.group(1) + m.group(2) + m.group(3));
        }
      }
      // 2 replicas x 12 layers (conv1-5, lrn1-2, pool1/2/5, fc6-7) x 2 towers, all traced.
      assertEquals(48, seen.size(), "replica/layer/tower seen: " + seen);
      Set<String> averaging = new HashSet<>();
      where.forEach((node, dev) -> {
        if (node.startsWith(LrnAwareGradients.PREFIX + "_mean/")) {
          averaging.add(dev.substring(dev.length() - 5));
        }
      });
      assertEquals(4, averaging.size(), "averaging ran on " + averaging);
      assertEquals(4, new HashSet<>(net.homes().values()).size());
      // Evaluation feeds images only.
      try (Session sess = new Session(g, new SessionOptions(0, 0, 4, Precision.FLOAT32).configProto());
          Tensor images = HostTensors.of(Shape.of(3, 67, 67, 3), new float[3 * 67 * 67 * 3]);
          Result r = sess.runner().feed(net.images(), images).fetch(net.probabilities()).run()) {
        assertEquals(Shape.of(3, 6), r.get(0).shape());
      }
    }
  }

  @Test
  void remoteVariablesLiveOnTheirDevicesAndGradientsAreAveragedLocally() {
    // CPU:2 and CPU:3 stand in for two ps tasks; the worker's one replica is on CPU:0,1.
    List<String> ps = List.of("/device:CPU:2", "/device:CPU:3");
    Step one, remote;
    try (Graph g = new Graph()) {
      one = step(AlexNet.build(g, config(DevicePlan.single("/device:CPU:0")),
          AlexNet.Mode.TRAIN), g, 1, 4);
    }
    try (Graph g = new Graph()) {
      ReplicatedAlexNet net = ReplicatedAlexNet.build(g, config(FOUR.get(0)),
          List.of(FOUR.get(0)), ps);
      remote = step(net, g, 4, 4);
      assertEquals(Set.copyOf(ps), new HashSet<>(net.homes().values()));
      Map<String, String> where = PlacementTest.placements(remote.md());
      for (Param p : net.params()) {
        assertEquals(net.homes().get(p.name()).substring(8), where.get(p.name())
            .substring(where.get(p.name()).length() - 5), p.name());
      }
      where.forEach((node, dev) -> {
        if (node.matches("replica0/(conv[1-5]|fc[67])/[AB]/.*")) {
          assertTrue(dev.endsWith("CPU:0") || dev.endsWith("CPU:1"), node + " ran on " + dev);
        }
      });
    }
    assertEquals(one.loss(), remote.loss(), 1e-5 * Math.abs(one.loss()));
    PlacementTest.assertGradientsClose(one.grads(), remote.grads());
  }
}
