package io.alexnet.train;

import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.GradientPlacement;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.LrnAwareGradients;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Precision;
import io.alexnet.graph.ReplicatedAlexNet;
import io.alexnet.graph.TrainingNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training loop: the paper's SGD over shuffled, augmented batches, validation after every
 * epoch, the learning-rate schedule, checkpoints, and listeners for everything people watch.
 * Owns its graph and session; close it when done.
 */
public final class Trainer implements AutoCloseable {
  private final ModelConfig modelConfig;
  private final TrainConfig config;
  private final Dataset train;
  private final Dataset val;
  private final Preprocessor pre;
  private final Augmentation aug;
  private final Checkpoints checkpoints;
  private final List<TrainingListener> listeners;

  private final int replicaCount;
  private final Graph graph;
  private final Session session;
  private final LearningRateSchedule schedule;

  // Handles into the placed graph (see GradientPlacement), looked up by name.
  private final Output<TFloat32> images;
  private final Output<TInt32> labels;
  private final Output<TBool> training;
  private final Output<TInt64> dropoutSeed;
  private final Output<TFloat32> loss;
  private final Output<TFloat32> probabilities;
  private final Output<TFloat32> newLearningRate;
  private final String stepOp;
  private final String setLearningRateOp;
  private final List<Output<TFloat32>> params;

  public Trainer(ModelConfig modelConfig, TrainConfig config, Dataset train, Dataset val,
      Preprocessor pre, Augmentation aug, Path checkpointDir, ConfigProto session,
      List<TrainingListener> listeners) throws IOException {
    this(modelConfig, List.of(modelConfig.devices()), config, train, val, pre, aug,
        checkpointDir, session, listeners);
  }

  /**
   * With more than one device plan in {@code replicas}, trains that many data-parallel
   * replicas ({@link ReplicatedAlexNet}), each on an equal slice of every batch.
   */
  public Trainer(ModelConfig modelConfig, List<DevicePlan> replicas, TrainConfig config,
      Dataset train, Dataset val, Preprocessor pre, Augmentation aug, Path checkpointDir,
      ConfigProto session, List<TrainingListener> listeners) throws IOException {
    if (config.batchSize() % replicas.size() != 0) {
      throw new IllegalArgumentException("--batch " + config.batchSize() + " does not split into "
          + replicas.size() + " equal replica slices");
    }
    this.replicaCount = replicas.size();
    if (modelConfig.precision() != Precision.FLOAT32) {
      throw new IllegalArgumentException("training runs in float32");
    }
    if (train.numClasses() > modelConfig.classes()) {
      throw new IllegalArgumentException("the data has " + train.numClasses()
          + " classes but the model only " + modelConfig.classes() + ": pass --classes "
          + train.numClasses());
    }
    if (pre.crop() != modelConfig.imageSize()) {
      throw new IllegalArgumentException("pre-processing crops " + pre.crop()
          + " but the model takes " + modelConfig.imageSize());
    }
    this.modelConfig = modelConfig;
    this.config = config;
    this.train = train;
    this.val = val;
    this.pre = pre;
    this.aug = aug;
    this.checkpoints = new Checkpoints(checkpointDir, config.keep());
    this.listeners = List.copyOf(listeners);
    // Built once, then rewritten so each backward op runs on its tower's device.
    try (Graph built = new Graph()) {
      TrainingNetwork net = replicas.size() > 1
          ? ReplicatedAlexNet.build(built, modelConfig, replicas)
          : AlexNet.build(built, modelConfig.toBuilder().devices(replicas.get(0)).build(),
              AlexNet.Mode.TRAIN);
      List<Output<?>> grads = net.gradients();
      PaperSgd sgd = PaperSgd.build(built, net.params(), grads, config.momentum(),
          config.weightDecay(), config.learningRate());
      this.graph = GradientPlacement.placed(built, LrnAwareGradients.PREFIX);
      try {
        this.images = find(net.images(), TFloat32.class);
        this.labels = find(net.labels(), TInt32.class);
        this.training = find(net.training(), TBool.class);
        this.dropoutSeed = find(net.dropoutSeed(), TInt64.class);
        this.loss = find(net.loss(), TFloat32.class);
        this.probabilities = find(net.probabilities(), TFloat32.class);
        this.newLearningRate = find(sgd.newLearningRate(), TFloat32.class);
        this.stepOp = sgd.step().op().name();
        this.setLearningRateOp = sgd.setLearningRateOp().op().name();
        List<Output<TFloat32>> ps = new ArrayList<>();
        for (var p : net.params()) {
          ps.add(find(p.output(), TFloat32.class));
        }
        this.params = List.copyOf(ps);
        this.session = new Session(graph, session);
      } catch (RuntimeException e) {
        graph.close();
        throw e;
      }
    }
    this.schedule = new LearningRateSchedule(config);
  }

  private <T extends org.tensorflow.types.family.TType> Output<T> find(Output<?> built,
      Class<T> type) {
    return graph.outputOrThrow(built.name()).expect(type);
  }

  public Session session() {
    return session;
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /**
   * Trains to {@link TrainConfig#epochs()}. With {@code resume}, continues from the newest
   * checkpoint exactly where it was saved (variables, momentum, step, epoch, position in the
   * epoch, schedule). Stops early, without saving, on a NaN or infinite loss.
   */
  public History fit(boolean resume) throws IOException {
    int startEpoch = 0, startBatch = 0;
    long step = 0;
    double lossSum = 0;
    long correct = 0, seen = 0;
    int bad = 0;
    Optional<Path> latest = resume ? checkpoints.latest() : Optional.empty();
    if (latest.isPresent()) {
      Properties st = Checkpoints.restore(session, latest.get());
      startEpoch = Integer.parseInt(st.getProperty("epoch"));
      startBatch = Integer.parseInt(st.getProperty("batch"));
      step = Long.parseLong(st.getProperty("step"));
      lossSum = Double.parseDouble(st.getProperty("epoch.loss_sum", "0"));
      correct = Long.parseLong(st.getProperty("epoch.correct", "0"));
      seen = Long.parseLong(st.getProperty("epoch.seen", "0"));
      bad = Integer.parseInt(st.getProperty("epoch.bad", "0"));
      schedule.load(st);
    } else {
      session.initialize();
    }
    setLearningRate(schedule.rate());
    for (TrainingListener l : listeners) {
      l.onStart(startEpoch, step);
    }

    History history = new History();
    int s = modelConfig.imageSize();
    long totalSteps = (long) config.epochs() * batchesPerEpoch();
    for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      long intervalStart = epochStart;
      long intervalImages = 0;
      int[] order = BatchLoader.shuffled(train.size(), config.seed(), epoch);
      int batch = epoch == startEpoch ? startBatch : 0;
      try (BatchLoader loader = new BatchLoader(train, pre, aug, config.batchSize(), order,
          config.seed(), epoch, batch, config.workers(), config.prefetch())) {
        while (loader.hasNext()) {
          BatchLoader.Batch b = evenFor(loader.next(), replicaCount);
          batch++;
          bad += b.bad();
          if (b.size() == 0) {
            continue;
          }
          float[] probs;
          double batchLoss;
          try (TFloat32 x = HostTensors.of(Shape.of(b.size(), s, s, 3), b.images());
              TInt32 y = HostTensors.of(Shape.of(b.size()), b.labels());
              TBool on = TBool.scalarOf(true);
              TInt64 dropoutSeed = TInt64.scalarOf(step);
              Result r = session.runner().feed(images, x).feed(labels, y)
                  .feed(training, on).feed(this.dropoutSeed, dropoutSeed)
                  .fetch(loss).fetch(probabilities).addTarget(stepOp).run()) {
            batchLoss = ((TFloat32) r.get(0)).getFloat();
            probs = HostTensors.floats((TFloat32) r.get(1));
          }
          if (!Double.isFinite(batchLoss)) {
            String why = "loss became " + batchLoss + " at step " + (step + 1) + " (epoch "
                + (epoch + 1) + "): training stopped; the last good checkpoint is "
                + checkpoints.latest().map(Path::toString).orElse("(none yet)")
                + ". Try a lower --lr or --init he.";
            history.diverged(why);
            listeners.forEach(l -> l.onEnd(history));
            return history;
          }
          step++;
          int hits = 0;
          for (int i = 0; i < b.size(); i++) {
            hits += TopK.argmax(probs, i, modelConfig.classes()) == b.labels()[i] ? 1 : 0;
          }
          lossSum += batchLoss * b.size();
          correct += hits;
          seen += b.size();
          intervalImages += b.size();
          // Saved before the listeners hear of the step: a crash in one loses nothing.
          if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0
              && loader.hasNext()) {
            save(step, epoch, batch, lossSum, correct, seen, bad);
          }
          if (step % config.logEvery() == 0) {
            long now = System.nanoTime();
            double secs = (now - intervalStart) / 1e9;
            double ips = intervalImages / secs;
            double stepsLeft = totalSteps - ((long) epoch * loader.batches() + batch);
            TrainingListener.Step info = new TrainingListener.Step(epoch, step, batch,
                loader.batches(), batchLoss, 1 - (double) hits / b.size(), schedule.rate(), ips,
                stepsLeft * secs / config.logEvery());
            listeners.forEach(l -> l.onStep(info));
            intervalStart = now;
            intervalImages = 0;
          }
        }
      }
      EvalResult v = Evaluator.evaluate(session, images, probabilities, val, pre,
          config.batchSize(), config.workers());
      double before = schedule.bestError();
      double rate = schedule.afterEpoch(epoch, v.top1Error());
      boolean best = v.top1Error() < before;
      setLearningRate(rate);
      Path ckpt = save(step, epoch + 1, 0, 0, 0, 0, 0);
      if (best) {
        checkpoints.markBest(ckpt);
      }
      TrainingListener.Epoch e = new TrainingListener.Epoch(epoch, step,
          seen == 0 ? Double.NaN : lossSum / seen, seen == 0 ? Double.NaN : 1 - (double) correct / seen,
          v.top1Error(), v.top5Error(), rate, (System.nanoTime() - epochStart) / 1e9,
          bad + v.bad(), best);
      history.add(e);
      listeners.forEach(l -> l.onEpoch(e));
      lossSum = 0;
      correct = 0;
      seen = 0;
      bad = 0;
    }
    listeners.forEach(l -> l.onEnd(history));
    return history;
  }

  /**
   * A batch cut to a multiple of the replica count, so every replica gets an equal slice and
   * the mean of their losses is the batch's (only a short last batch, or one with unreadable
   * images, loses a few examples).
   */
  static BatchLoader.Batch evenFor(BatchLoader.Batch b, int replicas) {
    int keep = b.size() - b.size() % replicas;
    if (keep == b.size()) {
      return b;
    }
    int per = b.images().length / Math.max(1, b.size());
    return new BatchLoader.Batch(java.util.Arrays.copyOf(b.images(), keep * per),
        java.util.Arrays.copyOf(b.labels(), keep), keep, b.bad(), b.problems());
  }

  /** Batches per epoch at the configured batch size. */
  public int batchesPerEpoch() {
    return (train.size() + config.batchSize() - 1) / config.batchSize();
  }

  private Path save(long step, int epoch, int batch, double lossSum, long correct, long seen,
      int bad) throws IOException {
    Properties st = new Properties();
    st.setProperty("step", Long.toString(step));
    st.setProperty("epoch", Integer.toString(epoch));
    st.setProperty("batch", Integer.toString(batch));
    st.setProperty("epoch.loss_sum", Double.toString(lossSum));
    st.setProperty("epoch.correct", Long.toString(correct));
    st.setProperty("epoch.seen", Long.toString(seen));
    st.setProperty("epoch.bad", Integer.toString(bad));
    schedule.save(st);
    return checkpoints.save(session, step, st);
  }

  private void setLearningRate(double rate) {
    try (Tensor t = HostTensors.of(Precision.FLOAT32, Shape.scalar(), new double[] {rate})) {
      session.runner().feed(newLearningRate, t).addTarget(setLearningRateOp).run();
    }
  }

  /** The current value of every trainable variable, in {@link AlexNet#params()} order. */
  public List<float[]> parameterValues() {
    List<float[]> out = new ArrayList<>();
    for (var p : params) {
      try (Result r = session.runner().fetch(p).run()) {
        out.add(HostTensors.floats((TFloat32) r.get(0)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
