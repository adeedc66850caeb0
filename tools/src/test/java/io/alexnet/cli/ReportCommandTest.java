package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.api.Model;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report: the page's sections, its inlined images (each a PNG that decodes), the mistakes
 * grid against an independent pass of the model, and the page in a real browser.
 */
class ReportCommandTest {
  @TempDir static Path tmp;
  static RunDir run;
  static Path page;
  static String html;

  @BeforeAll
  static void trainAndReport() throws Exception {
    run = TinyRun.create(tmp, 2);
    // The logs a run's listeners would have written, for the curves.
    var csv = new io.alexnet.logs.CsvLogger(run.dir());
    for (int e = 0; e < 2; e++) {
      csv.onStep(new io.alexnet.train.TrainingListener.Step(e, 10L * e + 5, 5, 20, 2.0 - e, 0.5,
          0.01, 100, 1));
      csv.onEpoch(new io.alexnet.train.TrainingListener.Epoch(e, 20L * (e + 1), 1.5 - 0.5 * e,
          0.6 - 0.2 * e, 0.2, 0.5 - 0.2 * e, 0.1, 0.01, 3, 0, true, 0.1));
    }
    String[] r = cli("report", run.dir().toString(), "--data", TinyRun.data(tmp).toString());
    assertEquals("0", r[0], r[1] + r[2]);
    page = run.dir().resolve("report.html");
    html = Files.readString(page);
  }

  static List<String> imageSources(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<img src=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everySectionIsThereAndEveryImageIsAnInlinedPngThatDecodes() throws Exception {
    for (String id : List.of("configuration", "summary", "curves", "errors", "confusion",
        "mistakes", "correct", "kernels", "neighbours")) {
      assertTrue(html.contains("<h2 id=\"" + id + "\">"), "no section " + id);
    }
    List<String> images = imageSources(html);
    assertTrue(images.size() > 20, "images: " + images.size());
    for (String src : images) {
      assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, 40));
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()))));
      assertNotNull(img);
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
    }
    assertTrue(html.contains("alt=\"training curves\""), "no curves image");
    // Two towers: two kernel grids. Errors come with their 95% interval.
    assertEquals(2, Pattern.compile("alt=\"conv1 kernels of tower").matcher(html).results()
        .count());
    assertTrue(html.matches("(?s).*top-1 error 0\\.\\d{4} \\(95% interval 0\\.\\d{4} to"
        + " [01]\\.\\d{4}\\).*"), html.substring(html.indexOf("id=\"errors\"")).substring(0, 300));
    assertTrue(html.contains("<th>recall</th><th>precision</th>"), "no precision/recall");
  }

  /**
   * The mistakes grid holds the test images with the highest probability on a wrong class,
   * most confident first: checked against the run's model scored through eval's own path.
   */
  @Test
  void theMistakesAreTheMostConfidentlyWrongImages() throws Exception {
    Dataset test = FashionMnist.open(TinyRun.data(tmp), FashionMnist.Split.TEST);
    record Wrong(String name, float p) {}
    List<Wrong> wrong = new ArrayList<>();
    try (Model m = Model.load(run.dir());
        BatchLoader l = BatchLoader.evaluation(test, m.preprocessor(), test.size(), 1)) {
      BatchLoader.Batch b = l.next();
      float[] probs = m.probabilities(b.images(), b.size());
      int classes = probs.length / b.size();
      for (int i = 0; i < b.size(); i++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          best = probs[i * classes + c] > probs[i * classes + best] ? c : best;
        }
        if (best != b.labels()[i]) {
          wrong.add(new Wrong(test.name(b.indices()[i]), probs[i * classes + best]));
        }
      }
    }
    wrong.sort(Comparator.comparingDouble((Wrong w) -> -w.p()));
    List<String> want = wrong.stream().limit(12).map(Wrong::name).toList();
    String section = html.substring(html.indexOf("id=\"mistakes\""),
        html.indexOf("id=\"correct\""));
    List<String> got = new ArrayList<>();
    Matcher m = Pattern.compile("class=\"mistake\" data-name=\"([^\"]*)\"").matcher(section);
    while (m.find()) {
      got.add(m.group(1));
    }
    assertTrue(!want.isEmpty(), "the tiny model makes no mistakes: nothing to check");
    assertEquals(want, got);
  }

  /** The page in Debian's headless Chromium: it loads, logs no error, shows every image. */
  @Test
  void aRealBrowserLoadsThePageWithoutConsoleErrors() throws Exception {
    Path chromium = BrowserSetup.chromium();
    Path shot = tmp.resolve("report.png");
    Process dump = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--enable-logging=stderr", "--v=0", "--dump-dom",
        page.toUri().toString()).redirectError(tmp.resolve("console.log").toFile()).start();
    String dom = new String(dump.getInputStream().readAllBytes());
    assertTrue(dump.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
    String console = Files.readString(tmp.resolve("console.log"));
    assertTrue(!Pattern.compile("CONSOLE.*(Error|error)|Uncaught").matcher(console).find(),
        console);
    assertEquals(imageSources(html).size(), imageSources(dom).size());
    Process screenshot = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--window-size=1400,2400", "--screenshot=" + shot,
        page.toUri().toString()).redirectErrorStream(true).start();
    screenshot.getInputStream().readAllBytes();
    assertTrue(screenshot.waitFor(120, TimeUnit.SECONDS));
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1400, img.getWidth());
    // Keep a copy to look at.
    Files.copy(shot, Path.of(System.getProperty("java.io.tmpdir"), "alexnet-report.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
