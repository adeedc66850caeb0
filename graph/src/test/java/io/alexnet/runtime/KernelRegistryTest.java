package io.alexnet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.NodeDef;

/**
 * The kernel lookup against a registry written here, the way TensorFlow's own chooses a kernel:
 * the device type's registrations first, then DEFAULT's; type attributes within the
 * constraints; labelled kernels only for nodes that ask for the label.
 */
class KernelRegistryTest {

  static KernelDef kernel(String op, String device, String attr, DataType... allowed) {
    KernelDef.Builder k = KernelDef.newBuilder().setOp(op).setDeviceType(device);
    if (attr != null) {
      k.addConstraint(KernelDef.AttrConstraint.newBuilder().setName(attr).setAllowedValues(
          AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
              .addAllType(List.of(allowed)))));
    }
    return k.build();
  }

  static NodeDef node(String name, String op, String device, String attr, DataType type) {
    return NodeDef.newBuilder().setName(name).setOp(op).setDevice(device)
        .putAttr(attr, AttrValue.newBuilder().setType(type).build()).build();
  }

  static final KernelRegistry REGISTRY = KernelRegistry.of(KernelList.newBuilder()
      .addKernel(kernel("RandomStandardNormal", "GPU", "T", DataType.DT_INT32))
      .addKernel(kernel("RandomStandardNormal", "CPU", "T", DataType.DT_INT32,
          DataType.DT_INT64))
      .addKernel(kernel("Const", "DEFAULT", "dtype", DataType.DT_INT32))
      .addKernel(kernel("Const", "GPU", "dtype", DataType.DT_FLOAT))
      .addKernel(kernel("Shape", "DEFAULT", "out_type", DataType.DT_INT32))
      .addKernel(kernel("Special", "GPU", null).toBuilder().setLabel("fast").build())
      .build());

  @Test
  void aKernelIsFoundForTheDeviceWithinItsTypeConstraints() {
    var int32 = node("a", "RandomStandardNormal", "/device:GPU:0", "T", DataType.DT_INT32);
    var int64 = node("b", "RandomStandardNormal", "/device:GPU:0", "T", DataType.DT_INT64);
    assertTrue(REGISTRY.find(int32, "GPU").isPresent());
    assertTrue(REGISTRY.find(int64, "GPU").isEmpty());
    assertTrue(REGISTRY.find(int64, "CPU").isPresent());
  }

  /**
   * TensorFlow falls back to DEFAULT where none of the device type's registrations match: Const
   * has a GPU one for float only, so an int32 Const takes DEFAULT's.
   */
  @Test
  void theDefaultDeviceTypeServesWhatTheDeviceLacks() {
    assertTrue(REGISTRY.find(node("c", "Const", "", "dtype", DataType.DT_INT32), "GPU")
        .isPresent());
    assertTrue(REGISTRY.find(node("d", "Shape", "", "out_type", DataType.DT_INT32), "GPU")
        .isPresent());
    assertTrue(REGISTRY.find(node("e", "Const", "", "dtype", DataType.DT_STRING), "GPU")
        .isEmpty());
  }

  @Test
  void aLabelledKernelServesOnlyNodesThatAskForItsLabel() {
    NodeDef plain = NodeDef.newBuilder().setName("f").setOp("Special").build();
    NodeDef asking = plain.toBuilder().putAttr("_kernel",
        AttrValue.newBuilder().setS(ByteString.copyFromUtf8("fast")).build()).build();
    assertTrue(REGISTRY.find(plain, "GPU").isEmpty());
    assertTrue(REGISTRY.find(asking, "GPU").isPresent());
  }

  @Test
  void coverageNamesTheOpsAGpuHostWouldRunOnItsCpu() {
    GraphDef g = GraphDef.newBuilder()
        .addNode(node("conv1/A/RandomStandardNormal", "RandomStandardNormal", "/device:GPU:0",
            "T", DataType.DT_INT64))
        .addNode(node("replica0/gradients/fc6/B/Shape", "Shape", "/device:GPU:1", "out_type",
            DataType.DT_INT32))
        .addNode(node("labels", "Const", "", "dtype", DataType.DT_STRING))
        .addNode(node("save/Const", "Const", "/device:CPU:0", "dtype", DataType.DT_STRING))
        .build();
    List<KernelCoverage.Missing> missing = KernelCoverage.check(g, REGISTRY);
    assertEquals(List.of("conv1/A/RandomStandardNormal", "labels"),
        missing.stream().map(KernelCoverage.Missing::name).toList());
    assertEquals("conv1", missing.get(0).layer());
    assertEquals("{T=DT_INT64}", missing.get(0).types().toString());
    assertEquals("fc6", KernelCoverage.layerOf("replica0/gradients/fc6/B/Shape"));
  }

  /** The library this build loads: CPU kernels always, GPU ones in the CUDA build. */
  @Test
  void theLoadedLibrarysRegistryHasTheNetworksKernels() {
    KernelRegistry loaded = KernelRegistry.loaded();
    assertTrue(loaded.countsByDevice().getOrDefault("CPU", 0) > 1000,
        loaded.countsByDevice().toString());
    for (String op : List.of("Conv2D", "MatMul", "MaxPool", "Relu", "ApplyMomentum")) {
      assertTrue(loaded.deviceTypes(op).contains("CPU"), op);
    }
  }
}
