package io.alexnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.Synthetic;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" program runs as written on a folder of generated images, and
 * the README shows exactly this program (so the two cannot drift apart).
 */
class UseFromJavaTest {
  @TempDir Path tmp;

  @Test
  void theReadmeProgramTrainsEvaluatesExportsAndPredicts() throws Exception {
    Path images = tmp.resolve("images");
    String[] names = {"bar", "column", "box", "slash"};
    int[] labels = new int[160];
    byte[][] gray = Synthetic.images(160, 1, labels);
    for (int i = 0; i < gray.length; i++) {
      Path dir = images.resolve(names[labels[i]]);
      Files.createDirectories(dir);
      Files.write(dir.resolve(i + ".png"), Synthetic.encode(gray[i], 28, 28, false, "png"));
    }
    Path photo = images.resolve("box").resolve("2.png");
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      UseFromJava.main(new String[] {images.toString(), tmp.resolve("work").toString(),
          photo.toString()});
    } finally {
      System.setOut(out);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("trained 2 epochs"), printed);
    // The evaluation covers the whole folder; the fit held 5% of it out for validation.
    assertTrue(Pattern.compile("top-1 error \\d\\.\\d{3} on 160 images").matcher(printed).find(),
        printed);
    assertTrue(Files.exists(tmp.resolve("work/model/1/saved_model.pb")));
    // Three predictions, each a class of the folder with a probability, most probable first.
    Matcher p = Pattern.compile("(?m)^(bar|column|box|slash) +(0\\.\\d{3}|1\\.000)$")
        .matcher(printed);
    double last = 2;
    int n = 0;
    while (p.find()) {
      double prob = Double.parseDouble(p.group(2));
      assertTrue(prob <= last, printed);
      last = prob;
      n++;
    }
    assertEquals(3, n, printed);
  }

  @Test
  void theReadmeShowsThisVeryProgram() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/alexnet/examples/UseFromJava.java"));
    String program = source.substring(source.indexOf("// README: begin") + 17,
        source.indexOf("// README: end")).strip();
    String readme = Files.readString(Path.of("../README.md"));
    assertTrue(readme.contains(program), "README.md's \"Use from Java\" program differs from"
        + " examples/src/main/java/io/alexnet/examples/UseFromJava.java");
  }
}
