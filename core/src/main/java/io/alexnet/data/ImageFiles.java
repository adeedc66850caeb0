package io.alexnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Unlabelled images: files named one by one, or every JPEG and PNG in a folder. Their label is
 * -1 and there are no class names.
 */
public final class ImageFiles implements Dataset {
  private final List<Path> files;

  private ImageFiles(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** {@code paths}: image files, or one folder whose images (not sub-folders) are taken. */
  public static ImageFiles of(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(ImageFolder::isImageName).sorted().forEach(files::add);
        }
      } else if (Files.exists(p)) {
        files.add(p);
      } else {
        throw new IllegalArgumentException("no such file: " + p);
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .jpg, .jpeg or .png files in " + paths);
    }
    return new ImageFiles(files);
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public List<String> classNames() {
    return List.of();
  }

  @Override
  public Example get(int index) throws BadExampleException {
    return new Example(RgbImage.read(files.get(index)), -1);
  }

  @Override
  public String name(int index) {
    return files.get(index).toString();
  }

  @Override
  public String describe() {
    return files.size() + " image files";
  }
}
