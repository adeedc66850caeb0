package io.alexnet.eval;

import io.alexnet.io.Json;
import java.util.List;
import java.util.Locale;

/**
 * An evaluation's numbers as the commands print them, as text or as the one JSON document of
 * {@code --json}: one place, so that every command that evaluates ({@code eval}, {@code spark
 * eval}) prints the same keys.
 */
public final class EvalSummary {
  private EvalSummary() {}

  /**
   * @param r the evaluation
   * @param crops 1 or 10
   * @param labels the class names
   * @return examples, skipped, crops, top1_error, top5_error, images_per_second, seconds,
   *     data_wait_seconds (null where not measured), per_class_accuracy; a command adds the
   *     files it wrote
   */
  public static Json json(EvalResult r, int crops, List<String> labels) {
    double[] acc = r.perClassAccuracy();
    Json perClass = new Json();
    for (int c = 0; c < acc.length; c++) {
      perClass.put(name(labels, c), acc[c]);
    }
    return new Json().put("examples", r.examples()).put("skipped", r.bad())
        .put("crops", crops).put("top1_error", r.top1Error()).put("top5_error", r.top5Error())
        .put("images_per_second", r.imagesPerSecond()).put("seconds", r.seconds())
        .put("data_wait_seconds", r.waitSeconds()).put("per_class_accuracy", perClass);
  }

  /**
   * @param r the evaluation
   * @param crops 1 or 10
   * @param labels the class names
   * @return the errors and speed on one line, then each class's accuracy on one of its own
   */
  public static String text(EvalResult r, int crops, List<String> labels) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d images (%d unreadable"
        + " skipped), %d crop%s: top-1 error %.4f, top-5 error %.4f, %.1f images/s%n",
        r.examples(), r.bad(), crops, crops == 1 ? "" : "s", r.top1Error(), r.top5Error(),
        r.imagesPerSecond()));
    double[] acc = r.perClassAccuracy();
    for (int c = 0; c < acc.length; c++) {
      sb.append(String.format(Locale.ROOT, "  %-20s %s%n", name(labels, c),
          Double.isNaN(acc[c]) ? "(no examples)" : String.format(Locale.ROOT, "%.4f", acc[c])));
    }
    return sb.toString();
  }

  private static String name(List<String> labels, int c) {
    return c < labels.size() ? labels.get(c) : Integer.toString(c);
  }
}
