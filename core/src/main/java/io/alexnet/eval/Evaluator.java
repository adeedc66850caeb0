package io.alexnet.eval;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.HostTensors;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Scores a classifier on a dataset: top-1 and top-5 error and the confusion matrix, from the
 * central crop, or with the paper's test-time averaging over ten patches (Section 4.1: the four
 * corner and the central crops and their reflections, softmax outputs averaged).
 */
public final class Evaluator {
  private Evaluator() {}

  /** A classifier over a session's graph tensors. */
  public static Classifier of(Session session, Output<?> images, Output<?> probabilities) {
    return (x, n) -> {
      int s = (int) images.shape().get(1);
      try (TFloat32 t = HostTensors.of(Shape.of(n, s, s, 3), x);
          Result r = session.runner().feed(images, t).fetch(probabilities).run()) {
        return HostTensors.floats((TFloat32) r.get(0));
      }
    };
  }

  public static EvalResult evaluate(Session session, Output<?> images, Output<?> probabilities,
      Dataset data, Preprocessor pre, int batchSize, int workers) {
    return evaluate(of(session, images, probabilities), data, pre, batchSize, workers, 1);
  }

  /** @param crops 1 (central crop) or 10 (corners, centre and their reflections, averaged) */
  public static EvalResult evaluate(Classifier model, Dataset data, Preprocessor pre,
      int batchSize, int workers, int crops) {
    return evaluate(model, data, pre, batchSize, workers, crops, done -> {});
  }

  /** As above, telling {@code progress} how many examples are done after every batch. */
  public static EvalResult evaluate(Classifier model, Dataset data, Preprocessor pre,
      int batchSize, int workers, int crops, java.util.function.IntConsumer progress) {
    if (crops != 1 && crops != 10) {
      throw new IllegalArgumentException("evaluation takes 1 or 10 crops, not " + crops);
    }
    int classes = data.numClasses();
    long[][] confusion = new long[classes][classes];
    long start = System.nanoTime();
    Tally t = new Tally();
    if (crops == 1) {
      try (BatchLoader loader = BatchLoader.evaluation(data, pre, batchSize, workers)) {
        while (loader.hasNext()) {
          BatchLoader.Batch b = t.take(loader);
          t.bad += b.bad();
          if (b.size() > 0) {
            t.score(model.probabilities(b.images(), b.size()), b.labels(), b.size(), confusion);
          }
          progress.accept(t.n + t.bad);
        }
      }
    } else {
      tenCrop(model, data, pre, batchSize, workers, t, confusion, progress);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    int n = t.n;
    return new EvalResult(n, t.bad, n == 0 ? Double.NaN : 1 - (double) t.top1 / n,
        n == 0 ? Double.NaN : 1 - (double) t.top5 / n, confusion, secs, t.waitNanos / 1e9);
  }

  /**
   * Section 4.1's test: each image's ten patches through the model, their softmax outputs
   * averaged. The loader decodes, and skips and counts bad images, as for one crop.
   */
  private static void tenCrop(Classifier model, Dataset data, Preprocessor pre, int batchSize,
      int workers, Tally t, long[][] confusion, java.util.function.IntConsumer progress) {
    try (BatchLoader loader = BatchLoader.builder(data, pre).batchSize(Math.max(1, batchSize / 10))
        .workers(workers).tenPatches().build()) {
      while (loader.hasNext()) {
        BatchLoader.Batch b = t.take(loader);
        t.bad += b.bad();
        if (b.size() > 0) {
          float[] p = model.probabilities(b.images(), b.size() * 10);
          int width = p.length / (b.size() * 10);
          float[] avg = new float[b.size() * width];
          for (int i = 0; i < b.size(); i++) {
            for (int k = 0; k < 10; k++) {
              for (int c = 0; c < width; c++) {
                avg[i * width + c] += p[(i * 10 + k) * width + c] / 10f;
              }
            }
          }
          t.score(avg, b.labels(), b.size(), confusion);
        }
        progress.accept(t.n + t.bad);
      }
    }
  }

  private static final class Tally {
    int n, bad, top1, top5;
    long waitNanos;

    /** The loader's next batch, counting the time spent waiting for it. */
    BatchLoader.Batch take(BatchLoader loader) {
      long t0 = System.nanoTime();
      BatchLoader.Batch b = loader.next();
      waitNanos += System.nanoTime() - t0;
      return b;
    }

    void score(float[] p, int[] labels, int count, long[][] confusion) {
      int width = p.length / count;
      for (int i = 0; i < count; i++) {
        int y = labels[i];
        int pred = TopK.argmax(p, i, width);
        if (y < confusion.length && pred < confusion.length) {
          confusion[y][pred]++;
        }
        top1 += pred == y ? 1 : 0;
        top5 += TopK.hit(p, i, width, y, 5) ? 1 : 0;
      }
      n += count;
    }
  }
}
