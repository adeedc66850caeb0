package io.alexnet.logs;

import io.alexnet.train.History;
import io.alexnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Training curves for TensorBoard: {@code tensorboard --logdir RUN_DIR}. */
public final class TensorBoardLogger implements TrainingListener {
  private final EventFileWriter writer;

  public TensorBoardLogger(Path runDir) throws IOException {
    this.writer = new EventFileWriter(runDir);
  }

  @Override
  public void onStep(Step s) {
    try {
      writer.scalar("train/loss", s.step(), s.loss());
      writer.scalar("train/batch_top1_error", s.step(), s.batchTop1Error());
      writer.scalar("train/learning_rate", s.step(), s.learningRate());
      writer.scalar("train/images_per_second", s.step(), s.imagesPerSecond());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void onEpoch(Epoch e) {
    try {
      writer.scalar("epoch/train_loss", e.step(), e.trainLoss());
      writer.scalar("epoch/val_top1_error", e.step(), e.valTop1Error());
      writer.scalar("epoch/val_top5_error", e.step(), e.valTop5Error());
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  @Override
  public void onEnd(History h) {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
