package io.alexnet.train;

import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.Evaluator;
import io.alexnet.eval.TopK;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Precision;
import io.alexnet.graph.ReplicatedAlexNet;
import io.alexnet.io.PropertiesFile;
import io.alexnet.store.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import io.alexnet.cluster.ClusterSpec;
import io.alexnet.cluster.RemoteSession;
import io.alexnet.cluster.TaskProbe;
import io.alexnet.cluster.WorkerRole;
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
  private final WorkerRole role;
  private final TrainingGraph built;
  private final Graph graph;
  private final Session session;
  private final LearningRateSchedule schedule;

  // Handles into the placed graph (see TrainingGraph).
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
  private final Output<TInt64> globalStepVar;
  private final Output<TFloat32> learningRate;
  // How a step runs in this mode: local, asynchronous or synchronous cluster.
  private final StepRunner steps;
  // Starting from another model's weights: the op that reads them in, or null.
  private final String restoreOp;
  /** Set from another thread (a signal handler); read after every step. */
  private volatile boolean stopRequested;

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
    this(modelConfig, replicas, config, train, val, pre, aug, checkpointDir, session, listeners,
        null);
  }

  /**
   * One worker of a cluster (between-graph replication): its replicas run on {@code replicas}
   * (local device names, put under this task), the variables on the ps tasks. {@code train} is
   * this worker's shard. Only the chief validates and writes checkpoints; {@code val} and
   * {@code checkpointDir} are ignored on the others.
   */
  public Trainer(ModelConfig modelConfig, List<DevicePlan> replicas, TrainConfig config,
      Dataset train, Dataset val, Preprocessor pre, Augmentation aug, Path checkpointDir,
      ConfigProto session, List<TrainingListener> listeners, WorkerRole role) throws IOException {
    if (config.batchSize() % replicas.size() != 0) {
      throw new IllegalArgumentException("a batch of " + config.batchSize() + " does not split"
          + " into " + replicas.size() + " equal replica slices");
    }
    this.replicaCount = replicas.size();
    if (modelConfig.precision() != Precision.FLOAT32) {
      throw new IllegalArgumentException("training runs in float32");
    }
    if (train.numClasses() > modelConfig.classes()) {
      throw new IllegalArgumentException("the data has " + train.numClasses()
          + " classes but the model only " + modelConfig.classes() + ": build the model with "
          + train.numClasses() + " classes");
    }
    if (pre.crop() != modelConfig.imageSize()) {
      throw new IllegalArgumentException("pre-processing crops " + pre.crop()
          + " but the model takes " + modelConfig.imageSize());
    }
    this.role = role;
    this.modelConfig = modelConfig;
    this.config = config;
    this.train = train;
    this.val = val;
    this.pre = pre;
    this.aug = aug;
    this.checkpoints = new Checkpoints(checkpointDir, config.keep());
    this.listeners = List.copyOf(listeners);
    this.built = TrainingGraph.build(modelConfig, replicas, config, Optional.ofNullable(role));
    this.graph = built.graph();
    TrainingGraph.Handles h = built.handles();
    this.images = h.images();
    this.labels = h.labels();
    this.training = h.training();
    this.dropoutSeed = h.dropoutSeed();
    this.loss = h.loss();
    this.probabilities = h.probabilities();
    this.newLearningRate = h.newLearningRate();
    this.stepOp = h.step();
    this.setLearningRateOp = h.setLearningRate();
    this.globalStepVar = h.globalStep();
    this.learningRate = h.learningRate();
    this.params = h.params();
    this.restoreOp = h.restore().orElse(null);
    var sync = built.cluster().flatMap(TrainingGraph.ClusterHandles::sync);
    try {
      if (role != null) {
        // TensorFlow's session setup waits without limit for a task that is not there.
        TaskProbe.awaitAll(role.cluster(), ClusterSpec.WORKER, role.index(), role.waitLimit(),
            this::say);
      }
      this.session = role == null ? new Session(graph, session)
          : RemoteSession.open(graph, role.target(), session);
    } catch (RuntimeException e) {
      built.close();
      throw e;
    }
    this.steps = role == null ? StepRunner.local()
        : sync.map(s -> StepRunner.sync(this.session, s, role))
            .orElseGet(() -> StepRunner.async(h));
    this.schedule = new LearningRateSchedule(config);
  }

  public Session session() {
    return session;
  }

  /**
   * Asks {@link #fit} to stop after the step under way and save a checkpoint there (from any
   * thread: a signal handler calls it). fit then returns a history whose outcome is STOPPED.
   */
  public void requestStop() {
    stopRequested = true;
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /**
   * Trains to {@link TrainConfig#epochs()}. With {@code resume}, continues from the newest
   * checkpoint exactly where it was saved (variables, momentum, step, epoch, position in the
   * epoch, schedule). Stops early, without saving, on a NaN or infinite loss.
   *
   * <p>In a cluster, the chief restores (with {@code resume}) or initializes the shared model
   * unless the ps tasks already hold one; the other workers wait for it. Every worker then
   * starts at the position in its shard that the global step says the cluster has reached.
   */
  public History fit(boolean resume) throws IOException {
    ResumeState at = role == null ? startLocal(resume) : startInCluster(resume);
    int startEpoch = at.epoch(), startBatch = at.batch();
    long step = at.step();
    double lossSum = at.lossSum();
    long correct = at.correct(), correct5 = at.correct5(), seen = at.seen();
    int bad = at.bad();
    boolean leads = role == null || role.chief();
    int workers = role == null ? 1 : role.workers();
    int index = role == null ? 0 : role.index();
    for (TrainingListener l : listeners) {
      l.onStart(startEpoch, step);
    }

    History history = new History();
    long ran = 0;
    int s = modelConfig.imageSize();
    long totalSteps = (long) config.epochs() * batchesPerEpoch();
    for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      long intervalStart = epochStart;
      long intervalImages = 0, intervalSteps = 0;
      int[] order = BatchLoader.shuffled(train.size(), config.seed() + index, epoch);
      int batch = epoch == startEpoch ? startBatch : 0;
      try (BatchLoader loader = BatchLoader.builder(train, pre).augmentation(aug)
          .batchSize(config.batchSize()).order(order).seed(config.seed() + index, epoch)
          .firstBatch(batch).workers(config.workers()).prefetch(config.prefetch()).build()) {
        while (loader.hasNext()) {
          BatchLoader.Batch b = evenFor(loader.next(), replicaCount);
          batch++;
          bad += b.bad();
          if (b.size() == 0) {
            continue;
          }
          float[] probs;
          double batchLoss;
          long before = step;
          try (TFloat32 x = HostTensors.of(Shape.of(b.size(), s, s, 3), b.images());
              TInt32 y = HostTensors.of(Shape.of(b.size()), b.labels());
              TBool on = TBool.scalarOf(true);
              // Masks differ between workers that start a step at the same global step.
              TInt64 dropoutSeed = TInt64.scalarOf(step * workers + index);
              TInt64 now = TInt64.scalarOf(step)) {
            Session.Runner run = session.runner().feed(images, x).feed(labels, y)
                .feed(training, on).feed(this.dropoutSeed, dropoutSeed)
                .fetch(loss).fetch(probabilities).addTarget(stepOp);
            steps.prepare(run, now);
            try (Result r = run.run()) {
              batchLoss = ((TFloat32) r.get(0)).getFloat();
              probs = HostTensors.floats((TFloat32) r.get(1));
              step = steps.after(r, step);
            }
          }
          if (!Double.isFinite(batchLoss)) {
            String why = "loss became " + batchLoss + " at step " + step + " (epoch "
                + (epoch + 1) + "): training stopped; the last good checkpoint is "
                + checkpoints.latest().map(Path::toString).orElse("(none yet)")
                + ". A lower learning rate, or He initialization with biases of 0.1, usually"
                + " keeps it finite.";
            history.diverged(why);
            listeners.forEach(l -> l.onEnd(history));
            return history;
          }
          int hits = 0, hits5 = 0;
          for (int i = 0; i < b.size(); i++) {
            hits += TopK.argmax(probs, i, modelConfig.classes()) == b.labels()[i] ? 1 : 0;
            hits5 += TopK.hit(probs, i, modelConfig.classes(), b.labels()[i], 5) ? 1 : 0;
          }
          lossSum += batchLoss * b.size();
          correct += hits;
          correct5 += hits5;
          seen += b.size();
          intervalImages += b.size();
          intervalSteps++;
          ran++;
          // Saved before the listeners hear of the step: a crash in one loses nothing. The
          // global step of a cluster moves by more than one, hence "crossed a multiple".
          if (leads && crossed(before, step, config.checkpointEvery()) && loader.hasNext()) {
            save(new ResumeState(epoch, batch, step, lossSum, correct, correct5, seen, bad));
          }
          if (leads && crossed(before, step, config.valEvery()) && loader.hasNext()) {
            EvalResult mid = Evaluator.evaluate(session, images, probabilities, val, pre,
                config.batchSize(), config.workers());
            TrainingListener.Validation v = new TrainingListener.Validation(step,
                epoch + (double) batch / loader.batches(), mid.top1Error(), mid.top5Error());
            listeners.forEach(l -> l.onValidation(v));
          }
          if (stopRequested) {
            String where = "step " + step + " (epoch " + (epoch + 1) + ", batch " + batch + "/"
                + loader.batches() + ")";
            if (leads) {
              Path ckpt = save(new ResumeState(epoch, batch, step, lossSum, correct, correct5,
                  seen, bad));
              history.stopped("stopped at " + where + "; saved " + ckpt
                  + ", from which the run resumes exactly");
            } else {
              history.stopped("stopped at " + where + "; the chief keeps the checkpoints");
            }
            listeners.forEach(l -> l.onEnd(history));
            return history;
          }
          if (crossed(before, step, config.logEvery())) {
            long t = System.nanoTime();
            double secs = (t - intervalStart) / 1e9;
            double ips = intervalImages / secs;
            double stepsLeft = totalSteps - ((long) epoch * loader.batches() + batch);
            TrainingListener.Step info = new TrainingListener.Step(epoch, step, batch,
                loader.batches(), batchLoss, 1 - (double) hits / b.size(), currentRate(), ips,
                stepsLeft * secs / intervalSteps);
            listeners.forEach(l -> l.onStep(info));
            intervalStart = t;
            intervalImages = 0;
            intervalSteps = 0;
          }
        }
      }
      EvalResult v = null;
      boolean best = false;
      double rate;
      if (leads) {
        v = Evaluator.evaluate(session, images, probabilities, val, pre, config.batchSize(),
            config.workers());
        double bestBefore = schedule.bestError();
        rate = schedule.afterEpoch(epoch, v.top1Error());
        best = v.top1Error() < bestBefore;
        setLearningRate(rate);
        Path ckpt = save(ResumeState.at(epoch + 1, 0, step));
        if (best) {
          checkpoints.markBest(ckpt);
        }
      } else {
        rate = currentRate();
      }
      TrainingListener.Epoch e = new TrainingListener.Epoch(epoch, step,
          seen == 0 ? Double.NaN : lossSum / seen,
          seen == 0 ? Double.NaN : 1 - (double) correct / seen,
          seen == 0 ? Double.NaN : 1 - (double) correct5 / seen,
          v == null ? Double.NaN : v.top1Error(), v == null ? Double.NaN : v.top5Error(), rate,
          (System.nanoTime() - epochStart) / 1e9, bad + (v == null ? 0 : v.bad()), best);
      history.add(e);
      listeners.forEach(l -> l.onEpoch(e));
      lossSum = 0;
      correct = 0;
      correct5 = 0;
      seen = 0;
      bad = 0;
    }
    if (role != null) {
      // Async: the global step counts every worker's updates, so it runs ahead of this count.
      say(String.format(java.util.Locale.ROOT, "worker task %d ran %d steps; global step %d",
          role.index(), ran, globalStep()));
    }
    listeners.forEach(l -> l.onEnd(history));
    return history;
  }

  /** A fresh fine-tuning run: the pretrained variables over the initialized ones. */
  private void restorePretrained() {
    if (restoreOp != null) {
      session.runner().addTarget(restoreOp).run();
      say("started from " + config.fineTuning().from().orElseThrow() + " ("
          + config.fineTuning().restore().size() + " variables; frozen: "
          + (config.fineTuning().frozen().isEmpty() ? "none"
              : String.join(",", new java.util.TreeSet<>(config.fineTuning().frozen()))) + ")");
    }
  }

  static boolean crossed(long before, long after, int every) {
    return every > 0 && after / every > before / every;
  }

  private ResumeState startLocal(boolean resume) throws IOException {
    ResumeState at = ResumeState.START;
    Optional<ResumeState> restored = resume ? restoreNewestIntact() : Optional.empty();
    if (restored.isPresent()) {
      at = restored.get();
    } else {
      session.initialize();
      restorePretrained();
    }
    setLearningRate(schedule.rate());
    return at;
  }

  /**
   * Restores the newest checkpoint that reads back whole. A damaged one (a disk that failed
   * after the save, a file someone truncated) is skipped with a warning naming it, and left in
   * place for a look; only when every checkpoint is damaged does the run refuse to resume.
   */
  private Optional<ResumeState> restoreNewestIntact() throws IOException {
    List<Path> all = checkpoints.list();
    List<String> damaged = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        PropertiesFile state = Checkpoints.restore(session, all.get(i));
        ResumeState at = ResumeState.of(state);
        schedule.load(state);
        if (!damaged.isEmpty()) {
          say("resuming from " + all.get(i).getFileName() + ", the newest intact checkpoint");
        }
        return Optional.of(at);
      } catch (IOException e) {
        damaged.add(e.getMessage());
        say("WARNING: " + e.getMessage() + "; trying the one before it");
      }
    }
    if (!damaged.isEmpty()) {
      throw new IOException("no intact checkpoint to resume from in " + checkpoints.dir()
          + ": " + String.join("; ", damaged));
    }
    return Optional.empty();
  }

  private ResumeState startInCluster(boolean resume) throws IOException {
    return new ClusterStart(session, role, built, this::say).join(
        resume ? checkpoints.latest() : Optional.empty(),
        () -> {
          session.forceInitialize();
          restorePretrained();
          setLearningRate(schedule.rate());
        },
        state -> {
          schedule.load(state);
          setLearningRate(schedule.rate());
        },
        batchesPerEpoch(), config.epochs());
  }

  private long globalStep() {
    try (Result r = session.runner().fetch(globalStepVar).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private double currentRate() {
    if (role == null || role.chief()) {
      return schedule.rate();
    }
    try (Result r = session.runner().fetch(learningRate).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private void say(String message) {
    listeners.forEach(l -> l.onMessage(message));
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
        java.util.Arrays.copyOf(b.labels(), keep), java.util.Arrays.copyOf(b.indices(), keep),
        keep, b.bad(), b.problems());
  }

  /** Batches per epoch at the configured batch size. */
  public int batchesPerEpoch() {
    return (train.size() + config.batchSize() - 1) / config.batchSize();
  }

  /**
   * Saves a checkpoint. When that fails (a full disk, an I/O error), the run stops: the
   * half-written folder is gone, the previous checkpoint is untouched, and the message says
   * which one that is, so the run resumes from it once the disk is fixed.
   */
  private Path save(ResumeState state) throws IOException {
    Properties st = state.toProperties();
    schedule.save(st);
    try {
      return checkpoints.save(session, state.step(), st);
    } catch (IOException | RuntimeException e) {
      Optional<Path> intact = checkpoints.latest();
      throw new CheckpointNotSaved("could not save the checkpoint of step " + state.step() + " ("
          + e.getMessage() + "); training stopped. "
          + intact.map(p -> "The previous checkpoint, " + p + ", is intact: make room or fix"
              + " the disk, then resume the run from it.")
              .orElse("There is no earlier checkpoint."), e);
    }
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
      built.close();
    }
  }
}
