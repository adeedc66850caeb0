package io.alexnet.runtime;

import static org.tensorflow.internal.c_api.global.tensorflow.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * The devices TensorFlow sees in this process. TF Java has no public call for this, so it goes
 * through TF's C API (TF_SessionListDevices) on a throw-away session.
 */
public final class Devices {
  private Devices() {}

  /**
   * A device as TensorFlow names it, e.g. /job:localhost/replica:0/task:0/device:GPU:0, with
   * the memory TensorFlow says it has (bytes; 0 where it reports none).
   */
  public record Device(String name, String type, long memoryBytes) {
    public boolean isGpu() {
      return type.equalsIgnoreCase("GPU");
    }
  }

  /** Devices visible under the given session configuration (null for the default). */
  public static List<Device> list(ConfigProto config) {
    TensorFlow.version(); // makes sure the native library is loaded
    List<Device> out = new ArrayList<>();
    TF_Status status = TF_NewStatus();
    TF_Graph graph = TF_NewGraph();
    TF_SessionOptions opts = TF_NewSessionOptions();
    TF_Session session = null;
    try {
      if (config != null) {
        byte[] bytes = config.toByteArray();
        try (BytePointer p = new BytePointer(bytes)) {
          TF_SetConfig(opts, p, bytes.length, status);
        }
        check(status);
      }
      session = TF_NewSession(graph, opts, status);
      check(status);
      TF_DeviceList devices = TF_SessionListDevices(session, status);
      check(status);
      try {
        for (int i = 0; i < TF_DeviceListCount(devices); i++) {
          String name = TF_DeviceListName(devices, i, status).getString();
          String type = TF_DeviceListType(devices, i, status).getString();
          long memory = TF_DeviceListMemoryBytes(devices, i, status);
          check(status);
          out.add(new Device(name, type, memory));
        }
      } finally {
        TF_DeleteDeviceList(devices);
      }
    } finally {
      if (session != null) {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
      TF_DeleteSessionOptions(opts);
      TF_DeleteGraph(graph);
      TF_DeleteStatus(status);
    }
    return out;
  }

  /** Number of GPUs TensorFlow can use in this process (0 with the CPU build). */
  public static int gpuCount() {
    return (int) list(null).stream().filter(Device::isGpu).count();
  }

  private static void check(TF_Status status) {
    if (TF_GetCode(status) != 0) {
      throw new IllegalStateException("TensorFlow: " + TF_Message(status).getString());
    }
  }
}
