package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;

/**
 * The two-tower placement on two virtual CPU devices: step stats prove where each tower's ops
 * ran, and the numbers equal a one-device run.
 */
class PlacementTest {
  static final int BATCH = 4;

  record Step(double[] loss, List<double[]> grads, RunMetadata metadata) {}

  /** The small two-tower model the placement tests run. */
  static ModelConfig small(DevicePlan plan) {
    return ModelConfig.builder().width(0.125).imageSize(67).classes(6).seed(9)
        .init(WeightInit.HE).hiddenBias(0.1).devices(plan).build();
  }

  /** Each gradient equal to the reference, relative to the reference's largest entry. */
  static void assertGradientsClose(List<double[]> want, List<double[]> got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      double[] x = want.get(i), y = got.get(i);
      double scale = 0;
      for (double v : x) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < x.length; k++) {
        assertEquals(x[k], y[k], 1e-4 * scale + 1e-7, "gradient " + i + " at " + k);
      }
    }
  }

  static Step step(DevicePlan plan, int virtualCpus) {
    ModelConfig cfg = small(plan);
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, cfg, AlexNet.Mode.TRAIN);
      List<Output<?>> grads = LrnAwareGradients.ofLoss(g, net);
      Random rnd = new Random(4);
      List<Tensor> owned = new ArrayList<>();
      try (Session s = new Session(g, new SessionOptions(0, 0, virtualCpus, Precision.FLOAT32).configProto())) {
        Tensor images = HostTensors.of(FloatType.FLOAT32, Shape.of(BATCH, 67, 67, 3),
            rnd.doubles(BATCH * 67 * 67 * 3, -1, 1).toArray());
        owned.add(images);
        Tensor labels = HostTensors.of(Shape.of(BATCH), new int[] {0, 1, 2, 5});
        owned.add(labels);
        Tensor training = TBool.scalarOf(true);
        owned.add(training);
        Session.Runner r = s.runner().feed(net.images(), images).feed(net.labels(), labels)
            .feed(net.training(), training)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                .build());
        // Same dropout masks in both runs.
        for (Output<?> m : net.dropoutMasks()) {
          long n = m.shape().get(1);
          float[] mask = new float[(int) (BATCH * n)];
          for (int i = 0; i < mask.length; i++) {
            mask[i] = rnd.nextBoolean() ? 1 : 0;
          }
          Tensor t = HostTensors.of(Shape.of(BATCH, n), mask);
          owned.add(t);
          r.feed(m, t);
        }
        r.fetch(net.loss());
        grads.forEach(r::fetch);
        try (Result res = r.runAndFetchMetadata()) {
          List<double[]> gv = new ArrayList<>();
          for (int i = 1; i < res.size(); i++) {
            gv.add(HostTensors.doubles(res.get(i)));
          }
          return new Step(HostTensors.doubles(res.get(0)), gv, res.getMetadata().orElseThrow());
        }
      } finally {
        owned.forEach(Tensor::close);
      }
    }
  }

  /** Node name -> the device it ran on, from the step stats. */
  static Map<String, String> placements(RunMetadata md) {
    Map<String, String> where = new HashMap<>();
    for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : d.getNodeStatsList()) {
        where.put(n.getNodeName(), d.getDevice());
      }
    }
    return where;
  }

  @Test
  void towersRunOnTheirOwnDevicesAndMatchTheOneDeviceRun() {
    Step two = step(new DevicePlan("/device:CPU:0", "/device:CPU:1"), 2);
    Map<String, String> where = placements(two.metadata());
    int a = 0, b = 0;
    for (var e : where.entrySet()) {
      String node = e.getKey();
      if (node.startsWith("gradients")) {
        continue;
      }
      if (node.matches("(conv[1-5]|lrn[12]|pool[125]|fc[67]|dropout[67])/A/.*")) {
        assertTrue(e.getValue().endsWith("CPU:0"), node + " ran on " + e.getValue());
        a++;
      } else if (node.matches("(conv[1-5]|lrn[12]|pool[125]|fc[67]|dropout[67])/B/.*")) {
        assertTrue(e.getValue().endsWith("CPU:1"), node + " ran on " + e.getValue());
        b++;
      }
    }
    // Every layer of each tower showed up in the stats, not just a few ops.
    for (String layer : List.of("conv1", "lrn1", "pool1", "conv2", "conv3", "conv5", "fc6",
        "fc7")) {
      assertTrue(where.keySet().stream().anyMatch(n -> n.startsWith(layer + "/B/")),
          layer + "/B missing from step stats");
    }
    assertTrue(a > 20 && b > 20, "tower ops seen: A " + a + ", B " + b);

    Step one = step(DevicePlan.single("/device:CPU:0"), 1);
    assertEquals(one.loss()[0], two.loss()[0], 1e-5 * Math.abs(one.loss()[0]));
    assertGradientsClose(one.grads(), two.grads());
  }

  @Test
  void backwardOpsRunWithTheirTowerOnceThePlacementIsApplied() {
    ModelConfig cfg = small(new DevicePlan("/device:CPU:0", "/device:CPU:1"));
    Random rnd = new Random(4);
    float[] x = new float[BATCH * 67 * 67 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    try (Graph built = new Graph()) {
      AlexNet net = AlexNet.build(built, cfg, AlexNet.Mode.TRAIN);
      List<Output<?>> grads = LrnAwareGradients.ofLoss(built, net);
      try (Graph g = GradientPlacement.placed(built, LrnAwareGradients.PREFIX);
          Session s = new Session(g, new SessionOptions(0, 0, 2, Precision.FLOAT32).configProto());
          Tensor images = HostTensors.of(Shape.of(BATCH, 67, 67, 3), x);
          Tensor labels = HostTensors.of(Shape.of(BATCH), new int[] {0, 1, 2, 5})) {
        Session.Runner r = s.runner().feed(net.images().name(), images)
            .feed(net.labels().name(), labels)
            .setOptions(RunOptions.newBuilder()
                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        grads.forEach(o -> r.fetch(o.name()));
        try (Result res = r.runAndFetchMetadata()) {
          Map<String, String> where = placements(res.getMetadata().orElseThrow());
          // The op computing each weight's gradient ran on that weight's tower. (Bias gradients
          // are left out: oneDNN fuses them into the filter gradient under another name.)
          int onB = 0;
          for (int i = 0; i < grads.size(); i++) {
            Param p = net.params().get(i);
            if (!p.name().endsWith("weights")) {
              continue;
            }
            String ran = where.get(grads.get(i).op().name());
            assertNotNull(ran, "gradient of " + p.name() + " not in the trace");
            String home = ((org.tensorflow.GraphOperation) p.variable().op()).device();
            assertTrue(ran.endsWith(home.substring(home.length() - 5)),
                p.name() + " (" + home + ") had its gradient computed on " + ran);
            onB += ran.endsWith("CPU:1") ? 1 : 0;
          }
          assertEquals(7, onB); // conv1..conv5, fc6, fc7 of tower B
          // And the memory-bound backward ops split evenly between the towers.
          for (String type : List.of("MaxPoolGrad", "MatMul")) {
            long a = 0, b = 0;
            for (var e : where.entrySet()) {
              var op = g.operation(e.getKey());
              // MatMul: the LRN gradients' window sums (gradients_lrnN scopes).
              if (op != null && op.type().equals(type) && (type.startsWith("MaxPool")
                  || e.getKey().startsWith(LrnAwareGradients.PREFIX + "_lrn"))) {
                a += e.getValue().endsWith("CPU:0") ? 1 : 0;
                b += e.getValue().endsWith("CPU:1") ? 1 : 0;
              }
            }
            assertTrue(b > 0 && a == b, type + ": " + a + " on A, " + b + " on B");
          }
        }
      }
    }
  }

  @Test
  void aMissingGpuFallsBackToTheCpu() {
    // Soft placement: towers pinned to GPUs this machine lacks still run, on the CPU.
    Step s = step(new DevicePlan("/device:GPU:0", "/device:GPU:1"), 1);
    assertTrue(Double.isFinite(s.loss()[0]));
    assertTrue(placements(s.metadata()).values().stream().allMatch(d -> d.contains("CPU")));
  }

  @Test
  void anUnpinnedCopyDropsOnlyTheDevices() {
    ModelConfig pinned = ModelConfig.builder().classes(10).imageSize(67).width(0.25).seed(3)
        .devices(new DevicePlan("/device:GPU:0", "/device:GPU:1")).build();
    ModelConfig free = pinned.unpinned();
    assertEquals(DevicePlan.single(""), free.devices());
    assertEquals(pinned, free.toBuilder().devices(pinned.devices()).build());
  }

  @Test
  void deviceNamesAreParsedOrRefused() {
    assertEquals("/device:GPU:1", DevicePlan.spec("/device:GPU:1").toString());
    assertEquals("/device:CPU:0", DevicePlan.spec("/cpu:0").toString());
    assertEquals("/job:worker/task:2/device:GPU:0",
        DevicePlan.spec("/job:worker/task:2/device:GPU:0").toString());
    var e = assertThrows(IllegalArgumentException.class, () -> DevicePlan.parse("/device:XPU:0"));
    assertTrue(e.getMessage().contains("/device:CPU:0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DevicePlan.parse("a,b,c"));
    assertEquals(new DevicePlan("/device:GPU:0", "/device:GPU:1"), DevicePlan.auto(2));
    assertEquals(DevicePlan.single("/device:CPU:0"), DevicePlan.auto(0));
    assertTrue(DevicePlan.auto(2).unavailable(0).orElseThrow().contains("need 2 GPU"));
    assertTrue(DevicePlan.auto(2).unavailable(2).isEmpty());
    assertTrue(DevicePlan.auto(0).unavailable(0).isEmpty());
  }
}
