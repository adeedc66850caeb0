package io.alexnet.eval;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.runtime.HostTensors;
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

  /** Scores {@code model} on {@code data}. */
  public static EvalResult evaluate(Classifier model, Dataset data, Preprocessor pre,
      EvalOptions options) {
    return evaluate(model, data, pre, options, EvalListener.NONE);
  }

  /** The same, telling {@code listener} each batch's scores and the progress. */
  public static EvalResult evaluate(Classifier model, Dataset data, Preprocessor pre,
      EvalOptions options, EvalListener listener) {
    int classes = data.numClasses();
    long[][] confusion = new long[classes][classes];
    long start = System.nanoTime();
    Tally t = new Tally(listener, data.size());
    if (options.crops() == 1) {
      try (BatchLoader loader = BatchLoader.evaluation(data, pre, options.batchSize(),
          options.workers())) {
        while (loader.hasNext()) {
          BatchLoader.Batch b = t.take(loader);
          if (b.size() > 0) {
            t.score(model.probabilities(b.images(), b.size()), b, confusion);
          }
          t.done(b);
        }
      }
    } else {
      tenCrop(model, data, pre, options, t, confusion);
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
  private static void tenCrop(Classifier model, Dataset data, Preprocessor pre,
      EvalOptions options, Tally t, long[][] confusion) {
    try (BatchLoader loader = BatchLoader.builder(data, pre)
        .batchSize(Math.max(1, options.batchSize() / 10)).workers(options.workers())
        .tenPatches().build()) {
      while (loader.hasNext()) {
        BatchLoader.Batch b = t.take(loader);
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
          t.score(avg, b, confusion);
        }
        t.done(b);
      }
    }
  }

  private static final class Tally {
    private final EvalListener listener;
    private final int total;
    int n, bad, top1, top5;
    long waitNanos;

    Tally(EvalListener listener, int total) {
      this.listener = listener;
      this.total = total;
    }

    /** The loader's next batch, counting the time spent waiting for it. */
    BatchLoader.Batch take(BatchLoader loader) {
      long t0 = System.nanoTime();
      BatchLoader.Batch b = loader.next();
      waitNanos += System.nanoTime() - t0;
      return b;
    }

    void score(float[] p, BatchLoader.Batch b, long[][] confusion) {
      int count = b.size();
      int[] labels = b.labels();
      int width = p.length / count;
      for (int i = 0; i < count; i++) {
        int y = labels[i];
        int pred = TopK.argmax(p, i, width);
        if (y < confusion.length && pred < confusion.length) {
          confusion[y][pred]++;
        }
      }
      TopK.Hits hits = TopK.hits(p, labels, count, width);
      top1 += hits.top1();
      top5 += hits.top5();
      n += count;
      listener.batch(b.indices(), labels, p, count);
    }

    void done(BatchLoader.Batch b) {
      bad += b.bad();
      listener.progress(n + bad, total);
    }
  }
}
