package io.alexnet.logs;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.TfRecords;
import io.alexnet.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class ReportTest {
  @TempDir Path run;

  static TrainingListener.Step step(long s, double loss) {
    return new TrainingListener.Step(0, s, (int) s, 10, loss, 0.5, 0.01, 123.4, 60);
  }

  static TrainingListener.Epoch epoch(int e, double loss, double err) {
    return new TrainingListener.Epoch(e, 10L * (e + 1), loss, err + 0.05, err / 4, err, err / 3,
        0.01, 12.5, e == 1 ? 2 : 0, true, 0.3);
  }

  /** Reads back every record of a TFRecord-framed file, checking both CRCs. */
  static List<byte[]> records(Path file) throws Exception {
    byte[] all = Files.readAllBytes(file);
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < all.length) {
      long len = TfRecords.length(Arrays.copyOfRange(all, pos, pos + 12));
      assertTrue(len >= 0, "header CRC");
      byte[] data = Arrays.copyOfRange(all, pos + 12, pos + 12 + (int) len);
      assertTrue(TfRecords.dataOk(data, Arrays.copyOfRange(all, pos + 12 + (int) len,
          pos + 16 + (int) len)), "data CRC");
      out.add(data);
      pos += 16 + (int) len;
    }
    return out;
  }

  @Test
  void tensorBoardEventFileHoldsTheScalars() throws Exception {
    TensorBoardLogger tb = new TensorBoardLogger(run);
    tb.onStep(step(5, 2.25));
    tb.onEpoch(epoch(0, 1.5, 0.4));
    tb.onEnd(null);
    Path file;
    try (Stream<Path> s = Files.list(run)) {
      file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .findFirst().orElseThrow();
    }
    List<byte[]> recs = records(file);
    Event first = Event.parseFrom(recs.get(0));
    assertEquals("brain.Event:2", first.getFileVersion());
    Event loss = Event.parseFrom(recs.get(1));
    assertEquals(5, loss.getStep());
    assertEquals("train/loss", loss.getSummary().getValue(0).getTag());
    assertEquals(2.25f, loss.getSummary().getValue(0).getSimpleValue());
    assertTrue(recs.stream().map(r -> {
      try {
        return Event.parseFrom(r);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).anyMatch(e -> e.getSummary().getValueCount() > 0
        && e.getSummary().getValue(0).getTag().equals("epoch/val_top1_error")
        && Math.abs(e.getSummary().getValue(0).getSimpleValue() - 0.4f) < 1e-6));
  }

  @Test
  void csvAppendsAndThePlotIsDrawnFromIt() throws Exception {
    CsvLogger csv = new CsvLogger(run);
    TrainingPlot plot = new TrainingPlot(run);
    double[] losses = {2.0, 1.2, 0.8};
    for (int e = 0; e < 3; e++) {
      csv.onStep(step(e * 10 + 5, losses[e] + 0.1));
      TrainingListener.Epoch ep = epoch(e, losses[e], 0.5 - 0.1 * e);
      csv.onEpoch(ep);
      plot.onEpoch(ep);
    }
    List<String> rows = Files.readAllLines(run.resolve(CsvLogger.EPOCHS));
    assertEquals(4, rows.size());
    assertTrue(rows.get(0).startsWith("epoch,step,train_loss"));
    assertTrue(rows.get(2).startsWith("2,20,1.200000,0.4500,0.4000"), rows.get(2));
    // train top-5, then the wait for data: the columns added last.
    assertTrue(rows.get(2).endsWith(",0.1000,0.3"), rows.get(2));
    assertTrue(rows.get(0).endsWith(",train_top5_error,data_wait_seconds"), rows.get(0));
    // A resumed run appends below (no second header).
    new CsvLogger(run).onEpoch(epoch(3, 0.7, 0.15));
    assertEquals(5, Files.readAllLines(run.resolve(CsvLogger.EPOCHS)).size());

    BufferedImage img = ImageIO.read(run.resolve(TrainingPlot.FILE).toFile());
    assertEquals(3 * TrainingPlot.WIDTH, img.getWidth());
    // Each chart is also a well-formed SVG document.
    var xml = javax.xml.parsers.DocumentBuilderFactory.newInstance();
    // The SVG names its DTD by URL; nothing may be fetched.
    xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    for (String svg : TrainingPlot.SVG) {
      var doc = xml.newDocumentBuilder().parse(run.resolve(svg).toFile());
      assertEquals("svg", doc.getDocumentElement().getLocalName() == null
          ? doc.getDocumentElement().getNodeName() : doc.getDocumentElement().getLocalName());
    }
    // Lines in the series colours were drawn (not an empty white canvas).
    int blue = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (rgb == ((31 << 16) | (119 << 8) | 180)) {
          blue++;
        }
      }
    }
    assertTrue(blue > 200, "plotted pixels: " + blue);
  }

  /** One epoch is one point: the error chart still shows it (as a marker), not nothing. */
  @Test
  void aOneEpochRunStillShowsItsErrorsAndTheLossIsSmoothed() throws Exception {
    CsvLogger csv = new CsvLogger(run);
    for (int s = 1; s <= 5; s++) {
      csv.onStep(step(s, 3.0 - 0.4 * s));
    }
    TrainingListener.Epoch ep = epoch(0, 1.5, 0.4);
    csv.onEpoch(ep);
    new TrainingPlot(run).onEpoch(ep);
    BufferedImage img = ImageIO.read(run.resolve(TrainingPlot.FILE).toFile());
    int orange = 0; // val top-1's colour, inside the error chart only
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = TrainingPlot.WIDTH; x < 2 * TrainingPlot.WIDTH; x++) {
        if ((img.getRGB(x, y) & 0xffffff) == TrainingPlot.colour(1).getRGB() - 0xff000000) {
          orange++;
        }
      }
    }
    assertTrue(orange > 20, "val top-1 pixels in the error chart: " + orange);
    // Smoothing starts at the first value and follows a falling loss from above.
    double[] sm = TrainingPlot.smooth(new double[] {2, 1, 1, 1});
    assertEquals(2.0, sm[0], 1e-12);
    assertEquals((0.8 * 0.2 * 2 + 0.2 * 1) / (1 - 0.64), sm[1], 1e-12);
    assertTrue(sm[3] > 1 && sm[3] < sm[2]);
  }

  @Test
  void progressLinesCarryTheNumbers() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true), 90);
    p.onStep(step(7, 1.23456));
    p.onEpoch(epoch(1, 0.9, 0.25));
    String out = bytes.toString();
    assertTrue(out.contains("epoch 1/90  step 7 (7/10)  loss 1.2346  top-1 err 0.500  lr 0.010"
        + "  123.4 img/s  ETA 1m00s"), out);
    assertTrue(out.contains("val top-1 err 0.2500, top-5 err 0.0833"), out);
    assertTrue(out.contains("2 unreadable images skipped"), out);
    assertEquals("2h05m", ProgressPrinter.duration(7500));
  }
}
