package io.alexnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.io.JsonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The full run's record agrees with the run's own epochs.csv beside it and with the README's
 * Results section, so that neither the figures nor the command drift apart when one is edited.
 */
class ResultsTest {
  static final Path RESULTS = DocsTest.ROOT.resolve("docs/results");

  @SuppressWarnings("unchecked")
  static Map<String, Object> record() throws IOException {
    return (Map<String, Object>) JsonText.parse(
        Files.readString(RESULTS.resolve("fashion-mnist.json")));
  }

  @Test
  void theRecordHasTheKeysAndAgreesWithItsEpochsCsv() throws IOException {
    Map<String, Object> r = record();
    for (String key : List.of("command", "epochs", "train_hours", "images_per_second",
        "test_images", "test_top1_accuracy", "test_top5_accuracy", "test_top1_accuracy_10_crops",
        "test_top5_accuracy_10_crops", "date", "machine")) {
      assertTrue(r.containsKey(key), "fashion-mnist.json has no " + key);
    }
    String command = (String) r.get("command");
    assertTrue(command.startsWith("tools/alexnet train "), command);
    assertFalse(command.contains("--out") || command.contains("--resume"), command);
    assertEquals(10000.0, r.get("test_images"));

    List<String> rows = Files.readAllLines(RESULTS.resolve("fashion-mnist/epochs.csv"));
    List<String> header = List.of(rows.get(0).split(","));
    int seconds = header.indexOf("seconds");
    int epoch = header.indexOf("epoch");
    double total = 0;
    for (String row : rows.subList(1, rows.size())) {
      total += Double.parseDouble(row.split(",")[seconds]);
    }
    String last = rows.get(rows.size() - 1);
    assertEquals((double) r.get("epochs"), Double.parseDouble(last.split(",")[epoch]));
    assertTrue(command.contains("--epochs " + ((Double) r.get("epochs")).intValue()), command);
    assertEquals(total / 3600, (double) r.get("train_hours"), 0.01,
        "train_hours is not the sum of epochs.csv's seconds");
    double top1 = (double) r.get("test_top1_accuracy");
    assertTrue(top1 > 0 && top1 <= 1 && (double) r.get("test_top5_accuracy") >= top1);
  }

  @Test
  void theReadmeShowsTheRecordsFiguresAndCommand() throws IOException {
    Map<String, Object> r = record();
    String readme = Files.readString(DocsTest.ROOT.resolve("README.md"));
    assertTrue(readme.contains((String) r.get("command")), "README.md lacks the record's command");
    for (String key : List.of("test_top1_accuracy", "test_top1_accuracy_10_crops")) {
      String shown = String.format("%.3f", (double) r.get(key));
      assertTrue(readme.contains(shown), "README.md does not show " + key + " " + shown);
    }
    assertTrue(readme.contains("](docs/results/fashion-mnist.json)"));
  }
}
