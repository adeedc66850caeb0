package io.alexnet.features;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.report.ProgressBar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * One layer's activations as image features (Section 6.1 compares images by their last
 * hidden layer's): the inference network with a checkpoint's weights, its towers' maps of the
 * layer joined (tower A's first) and flattened per image, row, column, channel.
 */
public final class FeatureExtractor implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final Output<TFloat32> images;
  private final Output<TFloat32> features;
  private final int size;
  private final int columns;

  /** The network of {@code model} with the variables of checkpoint prefix {@code weights}. */
  @SuppressWarnings("unchecked")
  public FeatureExtractor(ModelConfig model, Path weights, String layer) {
    graph = new Graph();
    try {
      AlexNet net = AlexNet.build(graph, model.unpinned(), AlexNet.Mode.INFERENCE);
      features = joined(Ops.create(graph).withSubScope("features"), net, layer);
      columns = Math.toIntExact(features.shape().get(1));
      images = (Output<TFloat32>) (Output<?>) net.images();
      size = model.imageSize();
      session = new Session(graph);
      session.restore(weights.toString());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * {@code layer}'s towers joined along channels (tower A first) and flattened to one row
   * per image: the features this class fetches, for graphs that fetch them beside others.
   */
  @SuppressWarnings("unchecked")
  public static Output<TFloat32> joined(Ops tf, AlexNet net, String layer) {
    List<Operand<TFloating>> parts = new ArrayList<>(net.outputs(layer));
    Operand<TFloating> joined = parts.size() == 1 ? parts.get(0)
        : tf.concat(parts, tf.constant(parts.get(0).shape().numDimensions() - 1));
    long per = 1;
    for (int i = 1; i < joined.shape().numDimensions(); i++) {
      per *= joined.shape().get(i);
    }
    return (Output<TFloat32>) (Output<?>) tf.reshape(joined, tf.constant(new long[] {-1, per}))
        .asOutput();
  }

  /** Features per image. */
  public int columns() {
    return columns;
  }

  /** Receives each batch's readable images: their names, labels and feature rows. */
  public interface Rows {
    void accept(String[] names, int[] labels, float[] values) throws IOException;
  }

  /** How many images gave a row, and how many could not be read. */
  public record Count(int rows, int skipped) {}

  /**
   * The features of every readable image of {@code data}, a batch at a time, with a progress
   * bar named {@code what}; unreadable images are reported on stderr and skipped.
   */
  public Count extract(Dataset data, Preprocessor pre, int batch, int workers, String what,
      Rows rows) throws IOException {
    int done = 0;
    int skipped = 0;
    ProgressBar bar = new ProgressBar(System.out, what, data.size());
    try (BatchLoader l = BatchLoader.evaluation(data, pre, batch, workers)) {
      while (l.hasNext()) {
        BatchLoader.Batch b = l.next();
        skipped += b.bad();
        b.problems().forEach(p -> System.err.println("skipped: " + p));
        if (b.size() > 0) {
          String[] names = new String[b.size()];
          for (int i = 0; i < b.size(); i++) {
            names[i] = data.name(b.indices()[i]);
          }
          rows.accept(names, b.labels(), features(b.images(), b.size()));
          done += b.size();
        }
        bar.update(done + skipped);
      }
    }
    bar.done();
    return new Count(done, skipped);
  }

  /** Rows of {@link #columns()} values for {@code n} pre-processed NHWC images. */
  public float[] features(float[] nhwc, int n) {
    try (TFloat32 x = HostTensors.of(Shape.of(n, size, size, 3), nhwc);
        Result r = session.runner().feed(images, x).fetch(features).run()) {
      return HostTensors.floats((TFloat32) r.get(0));
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
