package io.alexnet.runtime;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetAllRegisteredKernels;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.NodeDef;

/**
 * The kernels the loaded TensorFlow library registered, for every device type it was built for.
 * The CUDA build registers its GPU kernels whether or not a GPU is present, so this answers
 * "would this op run on a GPU?" on a machine without one.
 */
public final class KernelRegistry {
  private final Map<String, List<KernelDef>> byOp;

  private KernelRegistry(Map<String, List<KernelDef>> byOp) {
    this.byOp = byOp;
  }

  /** Every kernel of the library this process loaded (TF_GetAllRegisteredKernels). */
  public static KernelRegistry loaded() {
    TensorFlow.version(); // makes sure the native library is loaded
    TF_Status status = TF_NewStatus();
    TF_Buffer buffer = null;
    try {
      buffer = TF_GetAllRegisteredKernels(status);
      if (TF_GetCode(status) != 0) {
        throw new IllegalStateException("TensorFlow: " + TF_Message(status).getString());
      }
      return of(KernelList.parseFrom(buffer.dataAsByteBuffer()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("TensorFlow's kernel list does not parse", e);
    } finally {
      if (buffer != null) {
        TF_DeleteBuffer(buffer);
      }
      TF_DeleteStatus(status);
    }
  }

  /** A registry of the given kernels (tests build small ones). */
  public static KernelRegistry of(KernelList list) {
    Map<String, List<KernelDef>> byOp = new TreeMap<>();
    for (KernelDef k : list.getKernelList()) {
      byOp.computeIfAbsent(k.getOp(), o -> new ArrayList<>()).add(k);
    }
    return new KernelRegistry(byOp);
  }

  /** Kernels per device type (CPU, GPU, ...). */
  public Map<String, Integer> countsByDevice() {
    Map<String, Integer> counts = new TreeMap<>();
    byOp.values().forEach(ks -> ks.forEach(k -> counts.merge(k.getDeviceType(), 1, Integer::sum)));
    return counts;
  }

  /** Whether the library has any kernel for {@code deviceType}: a CUDA build has GPU ones. */
  public boolean has(String deviceType) {
    return countsByDevice().getOrDefault(deviceType, 0) > 0;
  }

  /** Every op type with a kernel, sorted. */
  public java.util.Set<String> ops() {
    return byOp.keySet();
  }

  /** The device types {@code op} has kernels for, sorted. */
  public java.util.Set<String> deviceTypes(String op) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    kernels(op).forEach(k -> out.add(k.getDeviceType()));
    return out;
  }

  /** The kernels of op type {@code op}, on every device type. */
  public List<KernelDef> kernels(String op) {
    return byOp.getOrDefault(op, List.of());
  }

  /**
   * A kernel that TensorFlow would choose for {@code node} on a {@code deviceType} device: its
   * op, and every type attribute of the node within the kernel's constraints. A kernel
   * registered for the DEFAULT device type serves a device type that has none of its own for
   * the op, as TensorFlow's registry falls back to it. Kernels with a label serve only nodes that ask for
   * that label ({@code _kernel}).
   */
  public Optional<KernelDef> find(NodeDef node, String deviceType) {
    String label = node.getAttrMap().containsKey("_kernel")
        ? node.getAttrMap().get("_kernel").getS().toStringUtf8() : "";
    for (String type : List.of(deviceType, DEFAULT)) {
      for (KernelDef k : kernels(node.getOp())) {
        if (k.getDeviceType().equals(type) && k.getLabel().equals(label) && satisfies(node, k)) {
          return Optional.of(k);
        }
      }
    }
    return Optional.empty();
  }

  /** The device type whose kernels serve any device without its own (DEVICE_DEFAULT). */
  static final String DEFAULT = "DEFAULT";

  private static boolean satisfies(NodeDef node, KernelDef k) {
    for (KernelDef.AttrConstraint c : k.getConstraintList()) {
      AttrValue v = node.getAttrMap().get(c.getName());
      if (v == null) {
        continue; // the op's default, which the kernel was registered for
      }
      List<org.tensorflow.proto.DataType> allowed = c.getAllowedValues().getList().getTypeList();
      if (v.hasList()) {
        if (!allowed.containsAll(v.getList().getTypeList())) {
          return false;
        }
      } else if (!allowed.contains(v.getType())) {
        return false;
      }
    }
    return true;
  }
}
