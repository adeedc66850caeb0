package io.alexnet.bench;

import io.alexnet.api.Model;
import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.ColorPca;
import io.alexnet.data.ImageFolder;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.FrozenWeights;
import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.train.FineTuning;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.TrainingGraph;
import io.alexnet.train.TrainingStep;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.OpPrecisions;
import io.alexnet.runtime.SessionOptions;
import org.tensorflow.Operand;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.family.TFloating;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/** The measurements behind {@code alexnet bench}: each builds, warms up, then times. */
public final class Benchmarks {
  private Benchmarks() {}

  /**
   * Sustained MatMul GFLOP/s for n x n x n in {@code a}'s type: the limit a network computing in
   * that type is measured against. Float32 multiplies float32 tensors; bfloat16 multiplies
   * bfloat16 tensors (variables of that type, so every timed run is the one kernel, with no
   * casts); float16 likewise. The median of the timed runs.
   *
   * @param options the session's threads
   * @param a the arithmetic whose limit to time
   * @param n the matrices' side
   * @param warmup untimed repetitions first
   * @param runs timed repetitions
   * @return GFLOP/s of the median run
   */
  public static double matMulGflops(SessionOptions options, Arithmetic a, int n, int warmup,
      int runs) {
    Class<? extends TFloating> type = switch (a) {
      case FLOAT32 -> TFloat32.class;
      case BFLOAT16 -> TBfloat16.class;
      case FLOAT16, FLOAT16_CPU_EMULATION -> TFloat16.class;
    };
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var shape = tf.constant(new long[] {n, n});
      Operand<? extends TFloating> a0 = tf.dtypes.cast(
          tf.random.randomUniform(shape, TFloat32.class, RandomUniform.seed(1L)), type);
      Operand<? extends TFloating> b0 = tf.dtypes.cast(
          tf.random.randomUniform(shape, TFloat32.class, RandomUniform.seed(2L)), type);
      var x = tf.variable(a0);
      var y = tf.variable(b0);
      // Reduce to a scalar so the fetch does not time a 64 MB copy to Java.
      var c = tf.reduceSum(tf.dtypes.cast(tf.linalg.matMul(generic(x), generic(y)),
          TFloat32.class), tf.constant(new int[] {0, 1}));
      // The types are the graph's own: no rewrite, whatever the options' precision.
      try (Session s = new Session(g, options.configProto(Arithmetic.FLOAT32))) {
        s.initialize();
        Timing t = Timing.of(warmup, runs, () -> {
          try (Result r = s.runner().fetch(c).run()) {
            r.get(0);
          }
        });
        return 2.0 * n * n * n / t.median() / 1e9;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloating> generic(Operand<? extends TFloating> o) {
    return (Operand<TFloating>) o;
  }

  /**
   * Seconds per training step on exactly what training runs: {@link TrainingGraph}'s graph and
   * {@link TrainingStep}'s feeds, fetches and update, in a session of {@code options}. With a
   * non-null {@code profile}, one more step runs traced and its per-op-type times and the
   * types its ops computed in go there.
   *
   * @param model the network
   * @param options the session's threads and precision
   * @param batch images per step
   * @param warmup untimed repetitions first
   * @param runs timed repetitions
   * @param profile receives the traced step's op times, or null
   * @return seconds per step
   */
  public static Timing trainStep(ModelConfig model, SessionOptions options, int batch,
      int warmup, int runs, java.util.function.Consumer<String> profile) {
    Arithmetic a = options.arithmetic();
    ModelConfig m = model.withArithmetic(a);
    try (TrainingGraph tg = TrainingGraph.build(m, List.of(m.devices()),
        TrainConfig.paper().withBatch(batch), FineTuning.NONE, Optional.empty())) {
      int s = m.imageSize();
      Random rnd = new Random(1);
      float[] x = new float[batch * s * s * 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      int[] y = rnd.ints(batch, 0, m.classes()).toArray();
      try (Session sess = new Session(tg.graph(), options.configProto(a))) {
        sess.initialize();
        TrainingStep step = TrainingStep.local(sess, tg, s);
        long[] at = {0};
        Timing t = Timing.of(warmup, runs, () -> at[0] = step.run(x, y, batch, at[0]).step());
        if (profile != null) {
          profile.accept(describe(tg.graph(),
              step.trace(x, y, batch, at[0], TRACED).metadata()));
        }
        return t;
      }
    }
  }

  /** Full step stats and the executed graphs: where the time went, and in which types. */
  private static final RunOptions TRACED = RunOptions.newBuilder()
      .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).setOutputPartitionGraphs(true).build();

  /**
   * Seconds per inference batch (probabilities fetched), on the graph eval and predict run
   * (weights in variables), or with {@code frozen} on the same graph with its weights as
   * constants ({@link FrozenWeights}). Warm-up batches are not timed, so the frozen graph's
   * slow first batch (grappler going over its constants) does not show here. With a non-null
   * {@code profile}, one more batch runs traced and its per-op-type times go there.
   *
   * @param model the network
   * @param options the session's threads and precision
   * @param batch images per batch
   * @param warmup untimed repetitions first
   * @param runs timed repetitions
   * @param frozen the weights as constants instead of variables
   * @param profile receives the traced batch's op times, or null
   * @return seconds per batch
   */
  public static Timing inference(ModelConfig model, SessionOptions options, int batch,
      int warmup, int runs, boolean frozen, java.util.function.Consumer<String> profile) {
    Arithmetic a = options.arithmetic();
    ConfigProto config = options.configProto(a);
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, model.withArithmetic(a), AlexNet.Mode.INFERENCE);
      int s = model.imageSize();
      Random rnd = new Random(2);
      float[] x = new float[batch * s * s * 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      String in = net.images().op().name(), out = net.probabilities().op().name();
      try (Session init = new Session(g, config);
          TFloat32 images = HostTensors.of(Shape.of(batch, s, s, 3), x)) {
        init.initialize();
        if (!frozen) {
          return time(init, g, in, out, images, warmup, runs, profile);
        }
        try (Graph fg = FrozenWeights.freeze(g, init, List.of(out));
            Session sess = new Session(fg, config)) {
          return time(sess, fg, in, out, images, warmup, runs, profile);
        }
      }
    }
  }

  private static Timing time(Session sess, Graph g, String in, String out, TFloat32 images,
      int warmup, int runs, java.util.function.Consumer<String> profile) {
    Timing t = Timing.of(warmup, runs, () -> {
      try (Result r = sess.runner().feed(g.operation(in).output(0), images)
          .fetch(g.operation(out).output(0)).run()) {
        r.get(0);
      }
    });
    if (profile != null) {
      try (Result r = sess.runner().feed(g.operation(in).output(0), images)
          .fetch(g.operation(out).output(0)).setOptions(TRACED).runAndFetchMetadata()) {
        profile.accept(describe(g, r.getMetadata().orElseThrow()));
      }
    }
    return t;
  }

  /** A traced run's time by op type, where the convolutions ran, and the types ops ran in. */
  private static String describe(Graph g, RunMetadata md) {
    return StepProfile.format(StepProfile.byOpType(g, md), 15)
        + StepProfile.formatDevices(StepProfile.convDevices(md)) + OpPrecisions.of(md).format();
  }

  /** {@code n} JPEG files of 500x375 (ImageNet's typical size) in four class folders. */
  static void writeJpegs(Path dir, int n) throws IOException {
    Random rnd = new Random(3);
    for (int i = 0; i < n; i++) {
      Path cls = Files.createDirectories(dir.resolve("class" + (i % 4)));
      BufferedImage img = new BufferedImage(500, 375, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 375; y++) {
        for (int x = 0; x < 500; x++) {
          img.setRGB(x, y, ((x * 255 / 500) << 16) | ((y * 255 / 375) << 8) | rnd.nextInt(256));
        }
      }
      ImageIO.write(img, "jpg", cls.resolve(i + ".jpg").toFile());
    }
  }

  /**
   * Seconds per batch of a trained model's two inputs, as its SavedModel's two signatures take
   * them (the model runs the graph an export writes): {@code serving_default} on pre-processed
   * float images, and {@code classify_images} on encoded JPEGs (what a TensorFlow Serving client
   * sends), decoding and pre-processing in the graph. {0: serving, 1: classify}.
   *
   * @param m a trained model
   * @param dir a folder for the JPEG files it writes
   * @param batch images per batch
   * @param warmup untimed repetitions first
   * @param runs timed repetitions
   * @return {pre-processed images, encoded JPEGs}
   * @throws IOException if the files cannot be written
   */
  public static Timing[] serving(Model m, Path dir, int batch, int warmup, int runs)
      throws IOException {
    writeJpegs(dir, batch);
    List<byte[]> jpegs = new java.util.ArrayList<>();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
        jpegs.add(Files.readAllBytes(f));
      }
    }
    int s = m.config().imageSize();
    Random rnd = new Random(4);
    float[] x = new float[batch * s * s * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    Timing floats = Timing.of(warmup, runs, () -> m.probabilities(x, batch));
    Timing encoded = Timing.of(warmup, runs, () -> m.classify(jpegs));
    return new Timing[] {floats, encoded};
  }

  /**
   * Seconds per batch of the input pipeline alone on JPEGs it writes (500x375, ImageNet's
   * typical size): decode, resize to 256, crop, flip, colour PCA.
   *
   * @param dir a folder for the JPEG files it writes
   * @param crop the crop's side
   * @param batch images per batch
   * @param workers decoding threads
   * @param batches batches to time
   * @return seconds per batch
   * @throws IOException if the files cannot be written
   */
  public static Timing pipeline(Path dir, int crop, int batch, int workers, int batches)
      throws IOException {
    writeJpegs(dir, Math.max(batch * 2, 64));
    ImageFolder data = ImageFolder.open(dir);
    Preprocessor pre = new Preprocessor(crop, null);
    ColorPca pca = ColorPca.ofCovariance(new double[][] {{0.06, 0.05, 0.04}, {0.05, 0.06, 0.05},
        {0.04, 0.05, 0.06}});
    Augmentation aug = new Augmentation(true, true, pca);
    int[] order = new int[batch * batches];
    for (int i = 0; i < order.length; i++) {
      order[i] = i % data.size();
    }
    double[] per = new double[batches];
    try (BatchLoader loader = BatchLoader.builder(data, pre).augmentation(aug).batchSize(batch)
        .order(order).seed(1, 0).workers(workers).build()) {
      long last = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        loader.next();
        long now = System.nanoTime();
        per[b] = (now - last) / 1e9;
        last = now;
      }
    }
    // The first batch includes the pool's start-up; leave it out when there are others.
    return new Timing(batches > 1 ? java.util.Arrays.copyOfRange(per, 1, per.length) : per);
  }
}
