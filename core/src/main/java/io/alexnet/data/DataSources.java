package io.alexnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a {@code --data} value into a dataset: fashion-mnist, an IDX or image folder, TFRecords. */
public final class DataSources {
  private DataSources() {}

  public static final String FASHION_MNIST = "fashion-mnist";

  /**
   * Opens the training split named by {@code spec}: {@code fashion-mnist} (Debian's package), a
   * directory of Fashion-MNIST IDX files, a directory with one sub-folder per class, or a glob of
   * TFRecord files. {@code classes} and {@code labelBase} apply to TFRecords only.
   */
  public static Dataset open(String spec, boolean test, int classes, int labelBase)
      throws IOException {
    FashionMnist.Split split = test ? FashionMnist.Split.TEST : FashionMnist.Split.TRAIN;
    if (spec.equals(FASHION_MNIST)) {
      return FashionMnist.openDefault(split);
    }
    Path p = Path.of(spec);
    if (Files.isDirectory(p)) {
      if (isIdxDir(p)) {
        return FashionMnist.open(p, split);
      }
      return ImageFolder.open(p);
    }
    if (Files.isRegularFile(p) || spec.contains("*") || spec.contains("?")) {
      return TfRecordDataset.open(spec, classes, labelBase);
    }
    throw new IllegalArgumentException("--data " + spec + ": no such file or directory (expected"
        + " fashion-mnist, a folder of class sub-folders, IDX files, or a TFRecord glob)");
  }

  /**
   * Images to look at, as {@code features} and {@code similar} take them: a folder with one
   * sub-folder per class (labels known), a folder of image files, or image files.
   */
  public static Dataset images(java.util.List<Path> paths) throws IOException {
    if (paths.size() == 1 && Files.isDirectory(paths.get(0))) {
      try (java.util.stream.Stream<Path> s = Files.list(paths.get(0))) {
        if (s.anyMatch(Files::isDirectory)) {
          return ImageFolder.open(paths.get(0));
        }
      }
    }
    return ImageFiles.of(paths);
  }

  /** Whether the folder holds IDX files (a Fashion-MNIST or MNIST copy). */
  public static boolean isIdxDir(Path p) {
    return Files.exists(p.resolve("train-images-idx3-ubyte.gz"))
        || Files.exists(p.resolve("train-images-idx3-ubyte"))
        || Files.exists(p.resolve("t10k-images-idx3-ubyte.gz"))
        || Files.exists(p.resolve("t10k-images-idx3-ubyte"));
  }
}
