package io.alexnet.logs;

import io.alexnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** steps.csv (one row per logging interval) and epochs.csv in the run folder; appends on resume. */
public final class CsvLogger implements TrainingListener {
  public static final String STEPS = "steps.csv";
  /** Validations inside epochs (--val-every). */
  public static final String VALIDATIONS = "validation.csv";
  public static final String EPOCHS = "epochs.csv";

  private final Path steps;
  private final Path epochs;
  private final Path validations;

  public CsvLogger(Path runDir) {
    this.steps = runDir.resolve(STEPS);
    this.validations = runDir.resolve(VALIDATIONS);
    this.epochs = runDir.resolve(EPOCHS);
  }

  @Override
  public void onStep(Step s) {
    append(steps, "epoch,step,loss,batch_top1_error,learning_rate,images_per_second",
        String.format(Locale.ROOT, "%d,%d,%.6f,%.4f,%.6g,%.2f", s.epoch() + 1, s.step(),
            s.loss(), s.batchTop1Error(), s.learningRate(), s.imagesPerSecond()));
  }

  @Override
  public void onValidation(Validation v) {
    append(validations, "step,epochs,val_top1_error,val_top5_error",
        String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f", v.step(), v.epochs(), v.top1Error(),
            v.top5Error()));
  }

  @Override
  public void onEpoch(Epoch e) {
    append(epochs,
        // New columns go last: a run resumed from an older version keeps its columns.
        "epoch,step,train_loss,train_top1_error,val_top1_error,val_top5_error,next_learning_rate,"
            + "seconds,bad_images,best,train_top5_error,data_wait_seconds",
        String.format(Locale.ROOT, "%d,%d,%.6f,%.4f,%.4f,%.4f,%.6g,%.1f,%d,%b,%.4f,%.1f",
            e.epoch() + 1, e.step(), e.trainLoss(), e.trainTop1Error(), e.valTop1Error(),
            e.valTop5Error(), e.learningRate(), e.seconds(), e.badExamples(), e.best(),
            e.trainTop5Error(), e.dataWaitSeconds()));
  }

  private static void append(Path file, String header, String row) {
    try {
      boolean fresh = !Files.exists(file) || Files.size(file) == 0;
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        if (fresh) {
          w.write(header + "\n");
        }
        w.write(row + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
