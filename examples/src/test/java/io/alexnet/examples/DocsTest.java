package io.alexnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's own pages: every relative link in README.md, BENCHMARKS.md and docs/ resolves
 * to a file of the repository, none leaves it, and the README stays a front page.
 */
class DocsTest {
  static final Path ROOT = Path.of("..");
  // [text](target), the target up to a space, a quote or the closing parenthesis.
  static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s\"]+)[^)]*\\)");

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"),
        ROOT.resolve("BENCHMARKS.md")));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  @Test
  void everyRelativeLinkResolvesAndNoneLeavesTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path page : pages()) {
      String text = Files.readString(page);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        links++;
        if (target.startsWith("http:") || target.startsWith("https:")) {
          broken.add(page + ": " + target + " (links stay inside the repository)");
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        if (file.isEmpty()) {
          continue; // a link to a heading of the same page
        }
        Path resolved = page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved) || !resolved.toAbsolutePath().normalize()
            .startsWith(ROOT.toAbsolutePath().normalize())) {
          broken.add(page + ": " + target);
        }
      }
    }
    assertTrue(links > 20, "found only " + links + " links: is the pattern right?");
    assertEquals(List.of(), broken);
  }

  /** The front page: what, the two commands first, and the guides linked, in 200 lines. */
  @Test
  void theReadmeIsAFrontPage() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(lines.size() <= 200, "README.md has " + lines.size() + " lines");
    String text = String.join("\n", lines);
    assertTrue(text.indexOf("tools/alexnet quickstart") < text.indexOf("\n## "), text);
    assertTrue(text.indexOf("mvn -B verify") < text.indexOf("\n## "), text);
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      for (Path guide : s.filter(p -> p.toString().endsWith(".md")).toList()) {
        assertTrue(text.contains("](docs/" + guide.getFileName() + ")"),
            "README.md does not link " + guide);
      }
    }
    assertTrue(Files.readString(ROOT.resolve(".ci/run")).contains("mvn -B verify"));
  }
}
