package io.alexnet.spark;

import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.data.Subset;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Images as the commands name them, for every executor to open the same way: the same source
 * gives the same examples in the same order on every JVM. The paths must be readable at the
 * same place on every executor (a shared or replicated file system).
 *
 * @param kind how {@code paths} name the images
 * @param paths for {@link Kind#DATA} one spec; for {@link Kind#IMAGES} folders or files
 * @param classes for TFRecords, the class count of their labels
 * @param labelBase for TFRecords, the first label
 * @param limit the first this many examples only (0: all)
 */
public record ImageSource(Kind kind, List<String> paths, int classes, int labelBase, int limit)
    implements Serializable {

  /** How the paths name the images. */
  public enum Kind {
    /**
     * As eval's --data: fashion-mnist, a folder of class sub-folders or of IDX files (their
     * test split), or a TFRecord glob.
     */
    DATA,
    /** As features' --data: a folder of class sub-folders or of images, or image files. */
    IMAGES
  }

  public ImageSource {
    paths = List.copyOf(paths);
  }

  /**
   * @param spec what eval's --data takes
   * @param classes the class count of TFRecord labels
   * @param labelBase the first TFRecord label
   * @param limit the first this many examples (0: all)
   * @return the images eval would score
   */
  public static ImageSource data(String spec, int classes, int labelBase, int limit) {
    return new ImageSource(Kind.DATA, List.of(spec), classes, labelBase, limit);
  }

  /**
   * @param paths what features' --data takes
   * @return the images features would read
   */
  public static ImageSource images(List<String> paths) {
    return new ImageSource(Kind.IMAGES, paths, 0, 1, 0);
  }

  /** @return the dataset, opened as eval or features opens it */
  public Dataset open() {
    try {
      Dataset d = kind == Kind.DATA ? DataSources.open(paths.get(0), true, classes, labelBase)
          : DataSources.images(paths.stream().map(Path::of).toList());
      return Subset.first(d, limit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
