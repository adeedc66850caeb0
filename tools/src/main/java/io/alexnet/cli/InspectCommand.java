package io.alexnet.cli;

import io.alexnet.data.Preprocessor;
import io.alexnet.inference.OpAllowlist;
import io.alexnet.inference.SavedModelFiles;
import io.alexnet.store.RunDir;
import io.alexnet.importer.ImportedModel;
import io.alexnet.importer.ModelFile;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.OnnxModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Signatures (or inputs and outputs), ops, parameter count and metadata of a"
        + " SavedModel folder or an ONNX file.")
final class InspectCommand implements Callable<Integer> {

  @Parameters(paramLabel = "MODEL_DIR|FILE.onnx") Path model;

  @Option(names = "--trust", description = "Describe it even with ops outside the allowlist.")
  boolean trust;

  @Override
  public Integer call() throws Exception {
    if (Files.isRegularFile(model)) {
      printOnnx(OnnxModelInfo.read(model));
      printAsAlexNet(model);
      return 0;
    }
    SavedModelFiles m = SavedModelFiles.read(model, trust);
    System.out.println("SavedModel " + m.dir().toAbsolutePath() + " (tag serve)");
    for (String key : m.signatureNames()) {
      SignatureDef s = m.signature(key);
      System.out.println("signature " + key + " (" + s.getMethodName() + ")");
      s.getInputsMap().forEach((k, v) -> System.out.println("  input  " + describe(k, v)));
      s.getOutputsMap().forEach((k, v) -> System.out.println("  output " + describe(k, v)));
    }
    Set<String> ops = m.ops();
    System.out.println("ops (" + ops.size() + "): " + String.join(", ", ops));
    Set<String> bad = OpAllowlist.forbidden(m.meta().getGraphDef());
    if (!bad.isEmpty()) {
      System.out.println("ops outside the AlexNet allowlist (read because of --trust): "
          + bad);
    }
    System.out.printf(Locale.ROOT, "parameters: %,d%n", m.parameterCount());
    System.out.println("classes: " + m.labels().size());
    if (Files.exists(m.dir().resolve("assets").resolve(RunDir.PROPERTIES))) {
      Preprocessor pre = m.settings().preprocessor();
      System.out.printf(Locale.ROOT, "serving_default takes the network's own input: float"
          + " [batch, %d, %d, 3] (NHWC), channels %s, the central %dx%d crop of the image"
          + " scaled to %d pixels on its shorter side, pixels 0..255 minus the mean image (per"
          + " channel %s), times %s; classify_images does all that itself%n", pre.crop(),
          pre.crop(), pre.channelOrder(), pre.crop(), pre.crop(), pre.canvas(),
          OnnxExport.meanPerChannel(pre), pre.scale());
    }
    return 0;
  }

  private static void printOnnx(OnnxModelInfo m) {
    System.out.println("ONNX model " + m.file().toAbsolutePath() + " (IR version "
        + m.irVersion() + (m.producer().isEmpty() ? "" : ", made by " + m.producer()) + ")");
    m.opsets().forEach((domain, v) -> System.out.println("opset " + domain + " " + v));
    m.inputs().forEach(v -> System.out.println("  input  " + describe(v)));
    m.outputs().forEach(v -> System.out.println("  output " + describe(v)));
    System.out.println("ops (" + m.ops().size() + "): " + m.ops().entrySet().stream()
        .map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""))
        .collect(Collectors.joining(", ")));
    System.out.printf(Locale.ROOT, "parameters: %,d%n", m.parameters());
    List<String> labels = m.labels();
    System.out.println("classes: " + (labels.isEmpty() ? "no labels stored" : labels.size()
        + " (" + String.join(", ", labels.subList(0, Math.min(5, labels.size())))
        + (labels.size() > 5 ? ", ..." : "") + ")"));
    if (!m.metadata().isEmpty()) {
      System.out.println("metadata:");
      m.metadata().forEach((k, v) -> {
        if (k.equals(OnnxExport.META_LABELS)) {
          return;
        }
        String shown = v.length() > 100 ? "(" + v.length() + " characters)" : v;
        System.out.println("  " + k + ": " + shown);
      });
    }
    m.inputs().stream().filter(v -> !v.doc().isEmpty()).forEach(v ->
        System.out.println("input " + v.name() + ": " + v.doc()));
  }

  /** What an import would make of the file, with its notes (the zoo's 224 input, say). */
  private static void printAsAlexNet(Path file) throws java.io.IOException {
    ImportedModel m;
    try {
      m = ImportedModel.of(ModelFile.read(file));
    } catch (IllegalArgumentException e) {
      System.out.println("not an AlexNet this program imports: " + e.getMessage());
      return;
    }
    var c = m.model();
    System.out.printf(Locale.ROOT, "as AlexNet: %s, %d classes, runs at %dx%d, LRN %s"
        + " (tools/alexnet import)%n", c.variant().label(), c.classes(), c.imageSize(),
        c.imageSize(), c.lrn());
    m.notes().forEach(n -> System.out.println("note: " + n));
  }

  private static String describe(OnnxModelInfo.Value v) {
    return String.format(Locale.ROOT, "%-14s %-8s [%s]", v.name(), v.type(),
        String.join(", ", v.dims()));
  }

  private static String describe(String key, TensorInfo t) {
    StringBuilder shape = new StringBuilder("[");
    for (int i = 0; i < t.getTensorShape().getDimCount(); i++) {
      long d = t.getTensorShape().getDim(i).getSize();
      shape.append(i == 0 ? "" : ", ").append(d < 0 ? "?" : Long.toString(d));
    }
    shape.append(']');
    return String.format(Locale.ROOT, "%-14s %-8s %-18s %s", key,
        t.getDtype().name().replace("DT_", "").toLowerCase(), shape, t.getName());
  }
}
