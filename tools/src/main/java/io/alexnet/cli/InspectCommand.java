package io.alexnet.cli;

import io.alexnet.export.OpAllowlist;
import io.alexnet.export.ServingModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Signatures, ops and parameter count of a SavedModel.")
final class InspectCommand implements Callable<Integer> {

  @Parameters(paramLabel = "MODEL_DIR") Path model;

  @Option(names = "--trust", description = "Load it even with ops outside the allowlist.")
  boolean trust;

  @Override
  public Integer call() throws Exception {
    try (ServingModel m = ServingModel.load(model, trust)) {
      System.out.println("SavedModel " + m.dir().toAbsolutePath() + " (tag serve)");
      for (String key : m.signatureNames()) {
        SignatureDef s = m.signature(key);
        System.out.println("signature " + key + " (" + s.getMethodName() + ")");
        s.getInputsMap().forEach((k, v) -> System.out.println("  input  " + describe(k, v)));
        s.getOutputsMap().forEach((k, v) -> System.out.println("  output " + describe(k, v)));
      }
      Set<String> ops = m.ops();
      System.out.println("ops (" + ops.size() + "): " + String.join(", ", ops));
      Set<String> bad = OpAllowlist.forbidden(m.metaGraph().getGraphDef());
      if (!bad.isEmpty()) {
        System.out.println("ops outside the AlexNet allowlist (loaded because of --trust): "
            + bad);
      }
      System.out.printf(Locale.ROOT, "parameters: %,d%n", m.parameterCount());
      System.out.println("classes: " + m.labels().size());
    }
    return 0;
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
