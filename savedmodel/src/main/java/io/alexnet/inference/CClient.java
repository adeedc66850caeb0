package io.alexnet.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.tensorflow.TensorFlow;

/**
 * The C client (resources {@code c/classify.c}): built with gcc against the TensorFlow library
 * that TF Java unpacked, run on a SavedModel, its output parsed. Proof that another language
 * loads what this project exports.
 */
public final class CClient {
  private CClient() {}

  /** What the client printed. */
  public record Output(String tensorflowVersion, List<int[]> top5, List<float[]> probabilities) {}

  /** Compiles the client into {@code workDir}; returns the executable. */
  public static Path build(Path workDir) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    for (String f : List.of("classify.c", "tf_c_api_subset.h")) {
      try (InputStream in = CClient.class.getResourceAsStream("c/" + f)) {
        Files.copy(in, workDir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path lib = tensorflowLibraryDir();
    Path exe = workDir.resolve("classify");
    run(List.of("gcc", "-O2", "-Wall", "-o", exe.toString(), workDir.resolve("classify.c")
        .toString(), "-L" + lib, "-l:libtensorflow_cc.so.2", "-l:libtensorflow_framework.so.2",
        "-Wl,-rpath," + lib, "-lm"), "gcc (apt-get install gcc)");
    return exe;
  }

  /** Where TF Java unpacked libtensorflow_cc.so.2 (loading TensorFlow first if needed). */
  public static Path tensorflowLibraryDir() throws IOException {
    TensorFlow.version();
    Path cache = Loader.getCacheDir().toPath();
    try (Stream<Path> s = Files.walk(cache)) {
      return s.filter(p -> p.getFileName().toString().equals("libtensorflow_cc.so.2"))
          .map(Path::getParent).findFirst()
          .orElseThrow(() -> new IOException("libtensorflow_cc.so.2 not found under " + cache));
    }
  }

  /** The input the client feeds: image n, value i = 2 sin(0.001 i + n), as float. */
  public static float[] input(int batch, int size) {
    int per = size * size * 3;
    float[] x = new float[batch * per];
    for (int n = 0; n < batch; n++) {
      for (int i = 0; i < per; i++) {
        x[n * per + i] = (float) (2.0 * Math.sin(0.001 * i + n));
      }
    }
    return x;
  }

  /** Runs the client on a SavedModel version folder and parses its output. */
  public static Output run(Path exe, Path versionDir, int batch, int size)
      throws IOException, InterruptedException {
    String out = run(List.of(exe.toString(), versionDir.toString(), String.valueOf(batch),
        String.valueOf(size)), "the C client");
    List<int[]> top = new ArrayList<>();
    List<float[]> probs = new ArrayList<>();
    String version = "";
    for (String line : out.split("\n")) {
      if (line.startsWith("tensorflow ")) {
        version = line.substring("tensorflow ".length());
      } else if (line.startsWith("top5:")) {
        top.add(Stream.of(line.substring(5).trim().split(" ")).mapToInt(Integer::parseInt)
            .toArray());
      } else if (line.startsWith("probabilities:")) {
        String[] f = line.substring(14).trim().split(" ");
        float[] p = new float[f.length];
        for (int i = 0; i < f.length; i++) {
          p[i] = Float.parseFloat(f[i]);
        }
        probs.add(p);
      }
    }
    return new Output(version, top, probs);
  }

  private static String run(List<String> cmd, String what)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot start " + what + ": " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(what + " failed (exit " + p.exitValue() + "):\n" + out);
    }
    return out;
  }
}
