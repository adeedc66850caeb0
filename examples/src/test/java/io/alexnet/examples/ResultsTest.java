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
 * The full runs' records (float32 and mixed precision) agree with the runs' own epochs.csv
 * beside them and with the README's Results section, so that neither the figures nor the
 * commands drift apart when one is edited.
 */
class ResultsTest {
  static final Path RESULTS = DocsTest.ROOT.resolve("docs/results");
  static final List<String> RECORDS = List.of("fashion-mnist", "fashion-mnist-mixed");

  @SuppressWarnings("unchecked")
  static Map<String, Object> record(String name) throws IOException {
    return (Map<String, Object>) JsonText.parse(
        Files.readString(RESULTS.resolve(name + ".json")));
  }

  @Test
  void theRecordsHaveTheKeysAndAgreeWithTheirEpochsCsv() throws IOException {
    for (String name : RECORDS) {
      theRecordAgreesWithItsEpochsCsv(name);
    }
  }

  void theRecordAgreesWithItsEpochsCsv(String name) throws IOException {
    Map<String, Object> r = record(name);
    for (String key : List.of("command", "precision", "epochs", "train_hours",
        "images_per_second", "test_images", "test_top1_accuracy", "test_top5_accuracy",
        "test_top1_accuracy_10_crops", "test_top5_accuracy_10_crops", "date", "machine")) {
      assertTrue(r.containsKey(key), name + ".json has no " + key);
    }
    String command = (String) r.get("command");
    assertTrue(command.startsWith("tools/alexnet train "), command);
    assertFalse(command.contains("--out") || command.contains("--resume"), command);
    // Reproducible on any machine: the precision is named, not left to auto.
    assertTrue(command.contains("--precision " + r.get("precision")), command);
    assertEquals(10000.0, r.get("test_images"));

    List<String> rows = Files.readAllLines(RESULTS.resolve(name + "/epochs.csv"));
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
  void theReadmeShowsTheRecordsFiguresAndCommands() throws IOException {
    String readme = Files.readString(DocsTest.ROOT.resolve("README.md"));
    for (String name : RECORDS) {
      Map<String, Object> r = record(name);
      assertTrue(readme.contains((String) r.get("command")), "README.md lacks " + name
          + "'s command");
      for (String key : List.of("test_top1_accuracy", "test_top1_accuracy_10_crops")) {
        String shown = String.format("%.3f", (double) r.get(key));
        assertTrue(readme.contains(shown), "README.md does not show " + name + " " + key + " "
            + shown);
      }
      assertTrue(readme.contains("](docs/results/" + name + ".json)"), name);
    }
  }
}
