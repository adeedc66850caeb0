package io.alexnet.features;

import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.ModelConfig;
import java.nio.file.Path;
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
      AlexNet net = AlexNet.build(graph, model.toBuilder().devices(DevicePlan.unpinned())
          .build(), AlexNet.Mode.INFERENCE);
      List<Operand<TFloating>> parts = new java.util.ArrayList<>(net.outputs(layer));
      Ops tf = Ops.create(graph).withSubScope("features");
      Operand<TFloating> joined = parts.size() == 1 ? parts.get(0)
          : tf.concat(parts, tf.constant(parts.get(0).shape().numDimensions() - 1));
      long per = 1;
      for (int i = 1; i < joined.shape().numDimensions(); i++) {
        per *= joined.shape().get(i);
      }
      columns = Math.toIntExact(per);
      features = (Output<TFloat32>) (Output<?>) tf.reshape(joined,
          tf.constant(new long[] {-1, per})).asOutput();
      images = (Output<TFloat32>) (Output<?>) net.images();
      size = model.imageSize();
      session = new Session(graph);
      session.restore(weights.toString());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Features per image. */
  public int columns() {
    return columns;
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
