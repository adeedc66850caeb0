package io.alexnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The ImageNet-style layout: one sub-folder per class holding JPEG or PNG files. Class ids come
 * from the sorted folder names; files are decoded when read, and an undecodable one is a bad
 * example.
 */
public final class ImageFolder implements Dataset {
  private final Path root;
  private final List<String> classes;
  private final List<Path> files;
  private final int[] labels;

  private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels) {
    this.root = root;
    this.classes = classes;
    this.files = files;
    this.labels = labels;
  }

  public static ImageFolder open(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a directory: " + root);
    }
    List<String> classes;
    try (Stream<Path> s = Files.list(root)) {
      classes = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
    }
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(root + " has no class sub-folders: expected"
          + " ROOT/<class>/<image>.jpg, one folder per class");
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      try (Stream<Path> s = Files.list(root.resolve(classes.get(c)))) {
        for (Path p : s.filter(ImageFolder::isImageName).sorted().toList()) {
          files.add(p);
          labels.add(c);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .jpg, .jpeg or .png files under " + root);
    }
    return new ImageFolder(root, classes, files,
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A regular file named .jpg, .jpeg or .png (case aside): what the image readers take. */
  static boolean isImageName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public List<String> classNames() {
    return classes;
  }

  @Override
  public Example get(int index) throws BadExampleException {
    return new Example(RgbImage.read(files.get(index)), labels[index]);
  }

  @Override
  public String name(int index) {
    return root.relativize(files.get(index)).toString();
  }

  @Override
  public String describe() {
    return "image folder " + root + ": " + files.size() + " files in " + classes.size()
        + " classes";
  }
}
