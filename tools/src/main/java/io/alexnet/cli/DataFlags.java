package io.alexnet.cli;

import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import io.alexnet.eval.EvalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The images a command reads and how: --data, --limit, --batch, --workers, --label-base. */
public final class DataFlags {
  /** Images per batch where the command sets no other. */
  static final int BATCH = 64;

  @Option(names = "--data", arity = "1..*", defaultValue = DataSources.FASHION_MNIST,
      paramLabel = "DATA",
      description = "fashion-mnist (Debian's package: its test split, but for training), a folder"
          + " of class sub-folders, a folder of IDX files, a TFRecord glob, or (for features)"
          + " image files. Default: ${DEFAULT-VALUE}.")
  List<String> data;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
      description = "Use only the first N examples (0: all).")
  int limit;

  @Option(names = "--batch", paramLabel = "N",
      description = "Images per batch. Default: the recipe's when training, " + BATCH
          + " otherwise.")
  Integer batch;

  @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
      description = "Threads that decode and pre-process images. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--label-base", defaultValue = "1", paramLabel = "N",
      description = "First class id in TFRecord image/class/label (TF's ImageNet tooling: 1)."
          + " Default: ${DEFAULT-VALUE}.")
  int labelBase;

  /** @return every --data value, as given */
  public List<String> sources() {
    return data;
  }

  /** @return the first N examples only (0: all) */
  public int limit() {
    return limit;
  }

  /** @return the first class id in TFRecords */
  public int labelBase() {
    return labelBase;
  }

  /** The one data source given, as written (what a run records). */
  public String spec() {
    if (data.size() != 1) {
      throw new IllegalArgumentException("--data takes one source here, got " + data.size());
    }
    return data.get(0);
  }

  /**
   * Labelled data: the training split of IDX data, or its test split with {@code test}; its
   * first --limit examples. {@code classes} is what TFRecords' labels are checked against.
   */
  public Dataset labelled(boolean test, int classes) throws IOException, InterruptedException {
    return Subset.first(open(spec(), test, classes), limit);
  }

  /** The same without the limit (training holds out and limits by its own rules). */
  public Dataset labelledAll(boolean test, int classes) throws IOException, InterruptedException {
    return open(spec(), test, classes);
  }

  /** Another labelled source, opened as --data would be (a validation set, say). */
  public Dataset labelledAll(String other, boolean test, int classes)
      throws IOException, InterruptedException {
    return open(other, test, classes);
  }

  /** Images to look at (labels where folders give them): the test split for fashion-mnist. */
  public Dataset images() throws IOException, InterruptedException {
    if (data.size() == 1 && data.get(0).equals(DataSources.FASHION_MNIST)) {
      return labelled(true, 10);
    }
    return Subset.first(DataSources.images(data.stream().map(Path::of).toList()), limit);
  }

  /** Batch, workers and crops for a pass over the data. */
  public EvalOptions evalOptions(int crops) {
    return new EvalOptions(batch != null ? batch : BATCH, workers, crops);
  }

  private Dataset open(String spec, boolean test, int classes)
      throws IOException, InterruptedException {
    if (spec.equals(DataSources.FASHION_MNIST)) {
      FashionMnistInstall.ensure();
    }
    return DataSources.open(spec, test, classes, labelBase);
  }
}
