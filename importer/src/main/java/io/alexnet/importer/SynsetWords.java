package io.alexnet.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class names, one a line in class order, as ImageNet's {@code synset_words.txt} gives them
 * ({@code n01440764 tench, Tinca tinca}): the WordNet id is dropped, the words kept.
 */
public final class SynsetWords {
  private SynsetWords() {}

  public static List<String> read(Path file, int classes) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(line.strip().replaceFirst("^n\\d{8}\\s+", ""));
      }
    }
    if (lines.size() != classes) {
      throw new IllegalArgumentException(file + " has " + lines.size() + " class names; the"
          + " model has " + classes + " classes (one name a line, in class order)");
    }
    return lines;
  }
}
