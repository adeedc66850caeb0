package io.alexnet.runreport;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.features.FeatureExtractor;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.HostArray;
import io.alexnet.report.ProgressBar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A trained network run over images for a report: each image's class probabilities and its fc7
 * activations (the paper's Section 6.1 compares images by them), and conv1's kernels.
 */
final class ModelPass implements AutoCloseable {

  /** One image's outcome: its dataset index, label and probabilities, and fc7. */
  record Seen(int index, int label, float[] probabilities, float[] fc7) {
    int predicted() {
      int best = 0;
      for (int c = 1; c < probabilities.length; c++) {
        if (probabilities[c] > probabilities[best]) {
          best = c;
        }
      }
      return best;
    }

    boolean top5() {
      int better = 0;
      for (float p : probabilities) {
        better += p > probabilities[label] ? 1 : 0;
      }
      return label >= 0 && better < 5;
    }
  }

  private final Graph graph;
  private final Session session;
  private final Output<TFloat32> images;
  private final Output<TFloat32> probabilities;
  private final Output<TFloat32> fc7;
  private final List<String> conv1;
  private final Preprocessor pre;
  private final int size;
  private final String summary;

  @SuppressWarnings("unchecked")
  ModelPass(ModelConfig model, Path weights, Preprocessor pre) {
    this.pre = pre;
    this.size = model.imageSize();
    graph = new Graph();
    try {
      AlexNet net = AlexNet.build(graph, model.unpinned(), AlexNet.Mode.INFERENCE);
      fc7 = FeatureExtractor.joined(Ops.create(graph).withSubScope("report"), net, "fc7");
      images = (Output<TFloat32>) (Output<?>) net.images();
      probabilities = (Output<TFloat32>) (Output<?>) net.probabilities();
      conv1 = net.params().stream().filter(p -> p.layer().equals("conv1")
          && p.name().endsWith("weights")).map(p -> p.name()).toList();
      summary = io.alexnet.graph.ModelSummary.of(net);
      session = new Session(graph);
      session.restore(weights.toString());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The first {@code limit} readable images of {@code data} (all for limit 0), in order. */
  List<Seen> run(Dataset data, int limit, int batch, String what) {
    int n = limit <= 0 ? data.size() : Math.min(limit, data.size());
    List<Seen> out = new ArrayList<>(n);
    ProgressBar bar = new ProgressBar(System.out, what, n);
    try (BatchLoader l = BatchLoader.evaluation(Subset.first(data, n), pre, batch, 2)) {
      int done = 0;
      while (l.hasNext()) {
        BatchLoader.Batch b = l.next();
        done += b.size() + b.bad();
        if (b.size() > 0) {
          try (TFloat32 x = HostTensors.of(Shape.of(b.size(), size, size, 3), b.images());
              Result r = session.runner().feed(images, x).fetch(probabilities).fetch(fc7)
                  .run()) {
            float[] p = HostTensors.floats((TFloat32) r.get(0));
            float[] f = HostTensors.floats((TFloat32) r.get(1));
            int classes = p.length / b.size(), width = f.length / b.size();
            for (int i = 0; i < b.size(); i++) {
              out.add(new Seen(b.indices()[i], b.labels()[i],
                  java.util.Arrays.copyOfRange(p, i * classes, (i + 1) * classes),
                  java.util.Arrays.copyOfRange(f, i * width, (i + 1) * width)));
            }
          }
        }
        bar.update(done);
      }
    }
    bar.done();
    return out;
  }

  /** The network as {@code summary} prints it. */
  String summary() {
    return summary;
  }

  /** conv1's kernels per tower, HWIO [11, 11, 3, out]. */
  List<HostArray> conv1Kernels() {
    List<HostArray> out = new ArrayList<>();
    for (String name : conv1) {
      try (Result r = session.runner().fetch(name).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        out.add(new HostArray(t.shape().asArray(), HostTensors.floats(t)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
