package io.alexnet.train;

import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.HostTensors;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Runs a network over a dataset (central crops, no dropout) and scores top-1 and top-5. */
public final class Evaluator {
  private Evaluator() {}

  public static EvalResult evaluate(Session session, Output<?> images, Output<?> probabilities,
      Dataset data, Preprocessor pre, int batchSize, int workers) {
    int classes = data.numClasses();
    long[][] confusion = new long[classes][classes];
    int n = 0, bad = 0, top1 = 0, top5 = 0;
    long start = System.nanoTime();
    int s = pre.crop();
    try (BatchLoader loader = new BatchLoader(data, pre, Augmentation.NONE, batchSize,
        BatchLoader.inOrder(data.size()), 0, 0, 0, workers, 2 * workers)) {
      while (loader.hasNext()) {
        BatchLoader.Batch b = loader.next();
        bad += b.bad();
        if (b.size() == 0) {
          continue;
        }
        float[] p;
        try (TFloat32 x = HostTensors.of(Shape.of(b.size(), s, s, 3), b.images());
            Result r = session.runner().feed(images, x).fetch(probabilities).run()) {
          p = HostTensors.floats((TFloat32) r.get(0));
        }
        int width = p.length / b.size();
        for (int i = 0; i < b.size(); i++) {
          int y = b.labels()[i];
          int pred = TopK.argmax(p, i, width);
          if (y < classes && pred < classes) {
            confusion[y][pred]++;
          }
          top1 += pred == y ? 1 : 0;
          top5 += TopK.hit(p, i, width, y, 5) ? 1 : 0;
        }
        n += b.size();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new EvalResult(n, bad, n == 0 ? Double.NaN : 1 - (double) top1 / n,
        n == 0 ? Double.NaN : 1 - (double) top5 / n, confusion, secs);
  }
}
