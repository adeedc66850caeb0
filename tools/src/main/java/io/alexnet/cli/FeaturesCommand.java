package io.alexnet.cli;

import io.alexnet.api.ModelSource;
import io.alexnet.data.Dataset;
import io.alexnet.data.ImageFiles;
import io.alexnet.data.ImageFolder;
import io.alexnet.data.Preprocessor;
import io.alexnet.features.FeatureExtractor;
import io.alexnet.features.NpyFile;
import io.alexnet.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = {"Write one layer's activations for each image, one row per image:"
        + " FILE.npy (NumPy's format; the file names and labels go to FILE.npy.tsv beside it)"
        + " or FILE.csv (name and label first).",
        "Unreadable images are skipped and counted."})
final class FeaturesCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL_DIR",
      description = "A run folder (an imported model's too) or an exported SavedModel.")
  Path model;

  @Option(names = "--layer", defaultValue = "fc7",
      description = "fc7, fc6, pool5 (or any row of `summary`). Default: ${DEFAULT-VALUE}.")
  String layer;

  @Option(names = "--data", required = true, arity = "1..*", paramLabel = "DIR|FILES",
      description = "A folder with one sub-folder per class (labels known), or image files, or"
          + " a folder of them.")
  List<Path> data;

  @Option(names = "--out", required = true, paramLabel = "FILE.npy|FILE.csv")
  Path out;

  @Option(names = "--batch", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--workers", defaultValue = "2",
      description = "Image decoding threads. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Override
  public Integer call() throws Exception {
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean npy = name.endsWith(".npy");
    if (!npy && !name.endsWith(".csv")) {
      throw new IllegalArgumentException("--out must end in .npy or .csv: " + out);
    }
    // The names file goes first and is replaced if there (a crash between the two leaves it
    // behind); the features file is the one that says the work is done.
    Path names = out.resolveSibling(out.getFileName() + ".tsv");
    if (Files.exists(out)) {
      throw new IllegalArgumentException(out + " already exists: remove it or pick another --out");
    }
    Dataset d = open(data);
    ModelSource source = ModelSource.open(model);
    Preprocessor pre = source.settings().preprocessor();
    List<String> classes = d.classNames();
    long start = System.nanoTime();
    FeatureExtractor.Count[] done = {null};
    try (FeatureExtractor fx = new FeatureExtractor(source.settings().model(), source.prefix(),
        layer)) {
      System.out.printf(Locale.ROOT, "%s: %d features per image from %s, %s%n", layer,
          fx.columns(), model, d.describe());
      // Written beside the target and renamed at the end: a crash leaves no half file.
      AtomicFiles.writeFile(out, tmpOut -> {
        if (!npy) {
          try (BufferedWriter w = Files.newBufferedWriter(tmpOut, StandardCharsets.UTF_8)) {
            w.write("name,label");
            for (int c = 0; c < fx.columns(); c++) {
              w.write("," + layer + "_" + c);
            }
            w.write('\n');
            done[0] = fx.extract(d, pre, batch, workers, layer, (rowNames, labels, values) -> {
              for (int i = 0; i < rowNames.length; i++) {
                w.write(csv(rowNames[i]) + "," + csv(label(classes, labels[i])));
                for (int c = 0; c < fx.columns(); c++) {
                  w.write(',');
                  w.write(Float.toString(values[i * fx.columns() + c]));
                }
                w.write('\n');
              }
            });
          }
          return;
        }
        AtomicFiles.writeFile(names, tmpNames -> {
          try (NpyFile f = new NpyFile(tmpOut, fx.columns());
              BufferedWriter w = Files.newBufferedWriter(tmpNames, StandardCharsets.UTF_8)) {
            w.write("name\tlabel\n");
            done[0] = fx.extract(d, pre, batch, workers, layer, (rowNames, labels, values) -> {
              for (int i = 0; i < rowNames.length; i++) {
                f.write(values, i * fx.columns());
                w.write(rowNames[i] + "\t" + label(classes, labels[i]) + "\n");
              }
            });
          }
        });
      });
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "wrote %d rows to %s%s (%d unreadable images skipped),"
        + " %.1f images/s%n", done[0].rows(), out, npy ? " and names to " + names : "",
        done[0].skipped(), done[0].rows() / Math.max(secs, 1e-9));
    return 0;
  }

  static Dataset open(List<Path> paths) throws IOException {
    if (paths.size() == 1 && Files.isDirectory(paths.get(0))) {
      try (Stream<Path> s = Files.list(paths.get(0))) {
        if (s.anyMatch(Files::isDirectory)) {
          return ImageFolder.open(paths.get(0));
        }
      }
    }
    return ImageFiles.of(paths);
  }

  private static String label(List<String> classes, int label) {
    return label >= 0 && label < classes.size() ? classes.get(label) : "";
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
