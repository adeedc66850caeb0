package io.alexnet.graph;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.DeviceSpec;

/**
 * Where the two towers run (Section 3.2: one tower per GPU). Tower A also holds the layers both
 * towers feed (fc8, the loss). Device strings are TensorFlow's: {@code /device:GPU:1},
 * {@code /job:worker/task:0/device:CPU:0}, or empty for "let TensorFlow choose".
 */
public record DevicePlan(String towerA, String towerB) {

  private static final Pattern PART =
      Pattern.compile("/(job|replica|task|device):([^/]+)|/(cpu|gpu):(\\d+|\\*)",
          Pattern.CASE_INSENSITIVE);

  public DevicePlan {
    spec(towerA);
    spec(towerB);
  }

  /** Both towers on one device (or unpinned when {@code device} is empty). */
  public static DevicePlan single(String device) {
    return new DevicePlan(device, device);
  }

  /** No pins at all: TensorFlow places every op. */
  public static DevicePlan unpinned() {
    return single("");
  }

  /**
   * Two GPUs when two are visible, one GPU for both towers when one is, else the CPU. The
   * {@code gpuCount} is usually {@link Devices#gpuCount()}.
   */
  public static DevicePlan auto(int gpuCount) {
    if (gpuCount >= 2) {
      return new DevicePlan("/device:GPU:0", "/device:GPU:1");
    }
    return single(gpuCount == 1 ? "/device:GPU:0" : "/device:CPU:0");
  }

  /**
   * Replica plans from a {@code --devices} value: {@code auto} (as many GPUs as the replicas'
   * towers need when that many are visible, two towers on two GPUs when two are, else {@link
   * #auto}), or device names for {@link #replicas}. {@code gpuCount} is usually {@link
   * Devices#gpuCount()}.
   */
  public static List<DevicePlan> plans(String devices, Variant variant, int replicas,
      int gpuCount) {
    if (!devices.equals("auto")) {
      return replicas(java.util.Arrays.stream(devices.split(",")).map(String::trim).toList(),
          variant, replicas);
    }
    int wanted = Math.max(1, replicas) * variant.towers();
    List<String> names = new java.util.ArrayList<>();
    if (gpuCount >= wanted && (replicas > 1 || gpuCount >= 2)) {
      for (int i = 0; i < wanted; i++) {
        names.add("/device:GPU:" + i);
      }
    } else {
      DevicePlan one = auto(gpuCount);
      names.add(one.towerA());
      if (!one.towerB().equals(one.towerA())) {
        names.add(one.towerB());
      }
    }
    return replicas(names, variant, replicas);
  }

  /** Parses "DEV" (both towers) or "DEV_A,DEV_B". */
  public static DevicePlan parse(String s) {
    List<String> parts = List.of(s.split(",", -1));
    if (parts.size() == 1) {
      return single(parts.get(0).trim());
    }
    if (parts.size() == 2) {
      return new DevicePlan(parts.get(0).trim(), parts.get(1).trim());
    }
    throw new IllegalArgumentException(
        "--devices takes one device or two separated by a comma, got '" + s + "'");
  }

  /**
   * Replica plans from a device list: with two towers, consecutive pairs form a replica; with
   * one, each device is a replica. One device serves every replica. {@code replicas} 0 means as
   * many as the list makes.
   */
  public static List<DevicePlan> replicas(List<String> devices, Variant variant, int replicas) {
    int per = variant.towers();
    int n = devices.size();
    int r = replicas > 0 ? replicas : Math.max(1, n / per);
    List<DevicePlan> out = new java.util.ArrayList<>();
    if (n == 1) {
      for (int i = 0; i < r; i++) {
        out.add(single(devices.get(0)));
      }
    } else if (r == 1 && n <= 2) {
      out.add(n == 1 ? single(devices.get(0)) : new DevicePlan(devices.get(0), devices.get(1)));
    } else if (n == r * per) {
      for (int i = 0; i < r; i++) {
        out.add(per == 1 ? single(devices.get(i))
            : new DevicePlan(devices.get(2 * i), devices.get(2 * i + 1)));
      }
    } else {
      throw new IllegalArgumentException(r + " replica(s) of the " + variant.label()
          + " model need " + r * per + " devices (" + per + " per replica) or one, got " + n
          + ": " + devices);
    }
    return out;
  }

  public String tower(int t) {
    return t == 0 ? towerA : towerB;
  }

  public boolean usesGpu() {
    return towerA.toUpperCase().contains("GPU") || towerB.toUpperCase().contains("GPU");
  }

  /**
   * A warning when this plan names more GPUs than TensorFlow sees (soft placement will then run
   * those towers on the CPU), or empty.
   */
  public java.util.Optional<String> unavailable(int gpuCount) {
    int wanted = 0;
    for (String d : List.of(towerA, towerB)) {
      Matcher m = Pattern.compile("GPU:(\\d+)", Pattern.CASE_INSENSITIVE).matcher(d);
      if (m.find()) {
        wanted = Math.max(wanted, Integer.parseInt(m.group(1)) + 1);
      }
    }
    if (wanted <= gpuCount) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("devices " + this + " need " + wanted + " GPU(s) but TensorFlow"
        + " sees " + gpuCount + (gpuCount == 0 ? " (CPU build, or no CUDA 12/cuDNN 9 on this host)"
        : "") + "; those towers will run on the CPU");
  }

  /** TF Java's DeviceSpec for a TensorFlow device string; refuses what TensorFlow would. */
  public static DeviceSpec spec(String device) {
    DeviceSpec.Builder b = DeviceSpec.newBuilder();
    if (device == null || device.isBlank()) {
      return b.build();
    }
    Matcher m = PART.matcher(device.trim());
    int at = 0;
    while (m.find()) {
      if (m.start() != at) {
        break;
      }
      at = m.end();
      if (m.group(3) != null) {
        setDevice(b, m.group(3), m.group(4), device);
        continue;
      }
      String value = m.group(2);
      switch (m.group(1).toLowerCase()) {
        case "job" -> b.job(value);
        case "replica" -> b.replica(Integer.parseInt(value));
        case "task" -> b.task(Integer.parseInt(value));
        default -> {
          String[] tn = value.split(":");
          if (tn.length != 2) {
            throw bad(device);
          }
          setDevice(b, tn[0], tn[1], device);
        }
      }
    }
    if (at != device.trim().length()) {
      throw bad(device);
    }
    return b.build();
  }

  private static void setDevice(DeviceSpec.Builder b, String type, String index, String device) {
    try {
      b.deviceType(DeviceSpec.DeviceType.valueOf(type.toUpperCase()));
    } catch (IllegalArgumentException e) {
      throw bad(device);
    }
    if (!index.equals("*")) {
      try {
        b.deviceIndex(Integer.parseInt(index));
      } catch (NumberFormatException e) {
        throw bad(device);
      }
    }
  }

  private static IllegalArgumentException bad(String device) {
    return new IllegalArgumentException(
        "not a TensorFlow device name: '" + device
            + "' (expected e.g. /device:CPU:0, /device:GPU:1 or /job:worker/task:0/device:GPU:0)");
  }

  @Override
  public String toString() {
    return towerA.equals(towerB) ? show(towerA) : show(towerA) + "," + show(towerB);
  }

  private static String show(String d) {
    return d.isEmpty() ? "(any)" : d;
  }
}
