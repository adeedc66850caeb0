package io.alexnet.cli;

import io.alexnet.bench.KernelCheck;
import io.alexnet.runtime.Devices;
import io.alexnet.runtime.KernelRegistry;
import io.alexnet.graph.Variant;
import io.alexnet.runtime.OneDnnWeightCache;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.Command;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Machine;
import io.alexnet.runtime.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"What TensorFlow sees here: its version and build, whether oneDNN's kernels"
        + " are on, the devices with their memory, and the CUDA and cuDNN libraries the GPU"
        + " build needs, each found and loaded or named as missing.",
        "--kernels lists the kernels the library registered, by op and device; with --graph it"
            + " checks that every op of that graph pinned to a GPU has a GPU kernel (the GPU"
            + " build's registry answers this without a GPU), lists those that have none, and"
            + " exits 1 if there are any."})
final class DevicesCommand implements Callable<Integer> {

  @Option(names = "--kernels", description = "List the registered kernels, or with --graph check"
      + " a graph against them.")
  boolean kernels;

  @Option(names = "--graph", paramLabel = "train|infer|savedmodel",
      description = "With --kernels: the graph to check. train and infer pin each tower to a GPU"
          + " of its own; savedmodel is the export's graph, as TensorFlow Serving would place"
          + " it.")
  String graph;

  @Mixin NetworkFlags network;

  @Mixin SessionFlags session;

  @Option(names = "--sync", description = "With --graph train: as a synchronous cluster worker.")
  boolean sync;

  /**
   * The shared libraries TensorFlow 2.18's CUDA build opens (CUDA 12, cuDNN 9), by the sonames
   * it asks the loader for.
   */
  static final List<String> GPU_LIBRARIES = List.of("libcudart.so.12", "libcublas.so.12",
      "libcublasLt.so.12", "libcufft.so.11", "libcusolver.so.11", "libcusparse.so.12",
      "libnvJitLink.so.12", "libcudnn.so.9");

  /** Whether this process runs TF Java's CUDA build. */
  static boolean gpuBuild() {
    return DevicesCommand.class.getClassLoader()
        .getResource("org/tensorflow/internal/c_api/linux-x86_64-gpu/") != null;
  }

  @Override
  public Integer call() {
    if (kernels) {
      return kernels();
    }
    if (graph != null) {
      throw new IllegalArgumentException("--graph goes with --kernels");
    }
    boolean gpuBuild = gpuBuild();
    System.out.println("TensorFlow " + TensorFlow.version() + " (TensorFlow Java 1.1.0, "
        + (gpuBuild ? "GPU build, classifier linux-x86_64-gpu"
            : "CPU build, classifier linux-x86_64; mvn -Pgpu package builds the GPU one") + ")");
    Machine machine = Machine.current();
    System.out.println("oneDNN kernels: " + (machine.oneDnn() ? "on (TF_ENABLE_ONEDNN_OPTS=1)"
        : "off (set TF_ENABLE_ONEDNN_OPTS=1 before TensorFlow loads; tools/alexnet does)"));
    System.out.println("oneDNN weight cache: " + (OneDnnWeightCache.on()
        ? "on (" + OneDnnWeightCache.VARIABLE + "=1: inference only)"
        : "off (tools/alexnet turns it on for eval, predict, features, similar and report)"));
    List<Devices.Device> devices = Devices.list(null);
    System.out.println("devices (" + devices.size() + "):");
    for (Devices.Device d : devices) {
      // A CPU device's figure is a nominal allocator limit, not the machine's memory.
      System.out.printf(Locale.ROOT, "  %-45s %-4s %s%n", d.name(), d.type(),
          d.isGpu() ? String.format(Locale.ROOT, "%.1f GiB", d.memoryBytes() / (double) (1L << 30))
              : "host memory");
    }
    long gpus = devices.stream().filter(Devices.Device::isGpu).count();
    System.out.println(gpus > 0 ? gpus + " GPU(s): --devices auto puts the towers on them"
        : "no GPU: everything runs on the CPU (soft placement moves ops pinned to a GPU)");
    System.out.println("CPU: " + (machine.bfloat16Flags().isEmpty()
        ? "no bfloat16 instructions (AVX512_BF16 or AMX)"
        : "bfloat16 instructions: " + String.join(", ", new java.util.TreeSet<>(
            machine.bfloat16Flags()))));
    Precision asked = session.precisions().get(0);
    Arithmetic a = machine.arithmetic(asked);
    System.out.println("precision: " + asked.label() + " runs " + a.precision().label() + " here ("
        + a.description() + ")");
    System.out.println("CUDA and cuDNN libraries the GPU build needs"
        + (gpuBuild ? ":" : " (not used by this build):"));
    List<String> missing = new ArrayList<>();
    for (String lib : GPU_LIBRARIES) {
      Optional<Path> at = find(lib);
      String state;
      if (at.isEmpty()) {
        state = "missing";
        missing.add(lib);
      } else {
        state = load(at.get());
        if (!state.startsWith("loads")) {
          missing.add(lib);
        }
      }
      System.out.printf(Locale.ROOT, "  %-20s %s%n", lib, state);
    }
    if (!missing.isEmpty() && gpuBuild) {
      System.out.println("missing or broken: " + String.join(", ", missing) + " -- install CUDA"
          + " 12 and cuDNN 9, or add their lib folders to LD_LIBRARY_PATH");
    }
    return 0;
  }

  /** --kernels: the registry's kernels, or a graph checked against them. */
  private int kernels() {
    KernelRegistry registry = KernelRegistry.loaded();
    if (graph == null) {
      System.out.println("kernels by device: " + registry.countsByDevice());
      for (String op : registry.ops()) {
        System.out.printf(Locale.ROOT, "  %-40s %s%n", op, registry.deviceTypes(op));
      }
      return 0;
    }
    if (!gpuBuild()) {
      throw new IllegalArgumentException("this is the CPU build, which registers no GPU kernels:"
          + " the check needs the GPU build (mvn -Pgpu package, or mvn -Pgpu-check verify)");
    }
    Variant v = Variant.parse(network.variant);
    KernelCheck.Report r = switch (graph) {
      // As a GPU host would run it: mixed precision there is float16, with loss scaling.
      case "train" -> KernelCheck.train(v, Math.max(1, network.replicas), sync,
          session.precisions().get(0) == Precision.MIXED ? Arithmetic.FLOAT16
              : Arithmetic.FLOAT32, registry);
      case "infer" -> KernelCheck.infer(v, registry);
      case "savedmodel" -> KernelCheck.savedModel(v, registry);
      default -> throw new IllegalArgumentException("--graph is train, infer or savedmodel, not '"
          + graph + "'");
    };
    System.out.printf(Locale.ROOT, "%s graph (%s): %d ops; %d without a GPU kernel%s%n",
        r.graph(), r.devices(), r.ops(), r.missing().size(), r.missing().isEmpty() ? ""
            : (r.graph().equals("savedmodel") ? " (TensorFlow Serving would run them on the CPU)"
                : " (soft placement would run them on the CPU)") + ":");
    r.missing().forEach(m -> System.out.println("  " + m));
    if (!r.float32Only().isEmpty()) {
      System.out.println("op types the float16 rewrite leaves in float32 (no float16 GPU"
          + " kernel; slower, not wrong): " + String.join(", ", r.float32Only()));
    }
    return r.missing().isEmpty() ? 0 : 1;
  }

  /** The library file on this machine's search path: LD_LIBRARY_PATH, then the usual places. */
  static Optional<Path> find(String soname) {
    Set<String> dirs = new LinkedHashSet<>();
    String env = System.getenv("LD_LIBRARY_PATH");
    if (env != null) {
      for (String d : env.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(List.of("/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
        "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu"));
    for (String d : dirs) {
      Path p = Path.of(d, soname);
      if (Files.exists(p)) {
        return Optional.of(p);
      }
    }
    try {
      // ldconfig's cache knows the folders /etc/ld.so.conf adds.
      Process ldconfig = new ProcessBuilder("/sbin/ldconfig", "-p").redirectErrorStream(true)
          .start();
      String out = new String(ldconfig.getInputStream().readAllBytes());
      for (String line : out.split("\n")) {
        String t = line.trim();
        if (t.startsWith(soname + " ") && t.contains("=> ")) {
          return Optional.of(Path.of(t.substring(t.indexOf("=> ") + 3).trim()));
        }
      }
    } catch (IOException e) {
      // No ldconfig: the folders above are all we can look in.
    }
    return Optional.empty();
  }

  private static String load(Path lib) {
    try {
      System.load(lib.toAbsolutePath().toString());
      return "loads (" + lib + ")";
    } catch (UnsatisfiedLinkError e) {
      return "found at " + lib + " but does not load: " + e.getMessage();
    }
  }
}
