package io.alexnet.train;

import io.alexnet.cluster.ClusterSpec;
import io.alexnet.cluster.RemoteSession;
import io.alexnet.cluster.TaskProbe;
import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Augmentation;
import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.Evaluator;
import io.alexnet.eval.TopK;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.FloatType;
import io.alexnet.graph.ReplicatedAlexNet;
import io.alexnet.io.PropertiesFile;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.Checkpoints;
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
 *
 * <pre>{@code
 * try (Trainer t = Trainer.builder(model, recipe, train, validation, pre)
 *     .checkpoints(runDir.resolve("checkpoints")).listener(printer).build()) {
 *   History h = t.fit(false);
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
  private final ModelConfig model;
  private final TrainConfig recipe;
  private final Dataset train;
  private final Dataset val;
  private final Preprocessor pre;
  private final Augmentation aug;
  private final FineTuning fineTuning;
  private final Checkpoints checkpoints;
  private final List<TrainingListener> listeners;
  private final int replicaCount;
  private final Role role;
  private final Arithmetic arithmetic;

  private final TrainingGraph built;
  private final TrainingGraph.Handles handles;
  private final Session session;
  private final TrainingStep steps;
  private final LearningRateSchedule schedule;
  /** Set from another thread (a signal handler); read after every step. */
  private volatile boolean stopRequested;

  /**
   * A trainer of {@code model} with {@code recipe} on {@code train}, validated on {@code
   * validation}, both pre-processed by {@code pre}. Everything else has a default: one replica
   * on the model's own devices, Section 4.1's augmentation off, checkpoints in a folder named
   * checkpoints, no listeners, from scratch, one process.
   */
  public static Builder builder(ModelConfig model, TrainConfig recipe, Dataset train,
      Dataset validation, Preprocessor pre) {
    return new Builder(model, recipe, train, validation, pre);
  }

  /** How a {@link Trainer} is put together. */
  public static final class Builder {
    private final ModelConfig model;
    private final TrainConfig recipe;
    private final Dataset train;
    private final Dataset validation;
    private final Preprocessor pre;
    private List<DevicePlan> replicas;
    private Augmentation augmentation = Augmentation.NONE;
    private Path checkpoints = Path.of("checkpoints");
    private SessionOptions session = SessionOptions.DEFAULT;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private FineTuning fineTuning = FineTuning.NONE;
    private WorkerRole worker;

    private Builder(ModelConfig model, TrainConfig recipe, Dataset train, Dataset validation,
        Preprocessor pre) {
      this.model = model;
      this.recipe = recipe;
      this.train = train;
      this.validation = validation;
      this.pre = pre;
    }

    /**
     * Data-parallel replicas, one device plan each ({@link ReplicatedAlexNet}), each training
     * on an equal slice of every batch. Default: one, on the model's devices.
     */
    public Builder replicas(List<DevicePlan> plans) {
      replicas = List.copyOf(plans);
      return this;
    }

    /** Section 4.1's crops, flips and colour PCA. */
    public Builder augmentation(Augmentation a) {
      augmentation = a;
      return this;
    }

    /** Where checkpoints go, and where a resumed run finds them. */
    public Builder checkpoints(Path dir) {
      checkpoints = dir;
      return this;
    }

    /** The session's threads, virtual devices and precision. */
    public Builder session(SessionOptions o) {
      session = o;
      return this;
    }

    public Builder listener(TrainingListener l) {
      listeners.add(l);
      return this;
    }

    public Builder listeners(List<TrainingListener> ls) {
      listeners.addAll(ls);
      return this;
    }

    /** The weights to start from and the layers to keep fixed. */
    public Builder fineTuning(FineTuning f) {
      fineTuning = f;
      return this;
    }

    /**
     * One worker of a cluster (between-graph replication): the replicas run on local devices
     * of this task, the variables on the ps tasks; {@code train} is this worker's shard. Only
     * the chief validates and writes checkpoints.
     */
    public Builder cluster(WorkerRole w) {
      worker = w;
      return this;
    }

    public Trainer build() throws IOException {
      return new Trainer(this);
    }
  }

  private Trainer(Builder b) throws IOException {
    List<DevicePlan> replicas = b.replicas != null ? b.replicas : List.of(b.model.devices());
    check(b.model, b.recipe, replicas, b.train, b.pre);
    this.arithmetic = b.session.arithmetic();
    this.model = b.model.withArithmetic(arithmetic);
    this.recipe = b.recipe;
    this.train = b.train;
    this.val = b.validation;
    this.pre = b.pre;
    this.aug = b.augmentation;
    this.fineTuning = b.fineTuning;
    this.checkpoints = new Checkpoints(b.checkpoints, b.recipe.keep());
    this.listeners = List.copyOf(b.listeners);
    this.replicaCount = replicas.size();
    this.role = b.worker == null ? new Local() : new ClusterWorker(b.worker);
    this.built = TrainingGraph.build(model, replicas, recipe, fineTuning,
        Optional.ofNullable(b.worker));
    this.handles = built.handles();
    try {
      this.session = role.open(built.graph(), b.session.configProto(arithmetic));
    } catch (RuntimeException e) {
      built.close();
      throw e;
    }
    this.steps = new TrainingStep(session, handles, role.steps(), model.imageSize(),
        role.workers(), role.index());
    this.schedule = new LearningRateSchedule(recipe);
  }

  private static void check(ModelConfig model, TrainConfig recipe, List<DevicePlan> replicas,
      Dataset train, Preprocessor pre) {
    if (recipe.batchSize() % replicas.size() != 0) {
      throw new IllegalArgumentException("a batch of " + recipe.batchSize() + " does not split"
          + " into " + replicas.size() + " equal replica slices");
    }
    if (model.floatType() != FloatType.FLOAT32) {
      throw new IllegalArgumentException("training runs in float32");
    }
    if (train.numClasses() > model.classes()) {
      throw new IllegalArgumentException("the data has " + train.numClasses()
          + " classes but the model only " + model.classes() + ": build the model with "
          + train.numClasses() + " classes");
    }
    if (pre.crop() != model.imageSize()) {
      throw new IllegalArgumentException("pre-processing crops " + pre.crop()
          + " but the model takes " + model.imageSize());
    }
  }

  public Session session() {
    return session;
  }

  /** What the step computes in: float32, or a mixed precision's 16-bit kind. */
  public Arithmetic arithmetic() {
    return arithmetic;
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
    ResumeState at = role.start(resume);
    for (TrainingListener l : listeners) {
      l.onStart(at.epoch(), at.step());
    }
    Progress p = new Progress(at);
    History history = new History();
    for (int epoch = at.epoch(); epoch < recipe.epochs(); epoch++) {
      p.epochStart = System.nanoTime();
      boolean ended = trainEpoch(epoch, epoch == at.epoch() ? at.batch() : 0, p, history);
      if (ended) {
        listeners.forEach(l -> l.onEnd(history));
        return history;
      }
      endEpoch(epoch, p, history);
    }
    role.finished(p.ran);
    listeners.forEach(l -> l.onEnd(history));
    return history;
  }

  /** Where the loop is: the global step and the epoch's tallies so far. */
  private static final class Progress {
    long step;
    double lossSum;
    long correct;
    long correct5;
    long seen;
    int bad;
    /** Steps this process ran (in a cluster the global step also counts the others'). */
    long ran;
    long epochStart;
    /** Time this epoch's steps waited for the loader's next batch. */
    long waitNanos;

    Progress(ResumeState at) {
      step = at.step();
      lossSum = at.lossSum();
      correct = at.correct();
      correct5 = at.correct5();
      seen = at.seen();
      bad = at.bad();
    }

    ResumeState at(int epoch, int batch) {
      return new ResumeState(epoch, batch, step, lossSum, correct, correct5, seen, bad);
    }

    void nextEpoch() {
      lossSum = 0;
      correct = 0;
      correct5 = 0;
      seen = 0;
      bad = 0;
      waitNanos = 0;
    }
  }

  /** One step's outcome, for the step listeners. */
  private record StepResult(double loss, int hits, int size) {}

  /**
   * Epoch {@code epoch} from batch {@code firstBatch}: a step per batch, with the checkpoints,
   * mid-epoch validations and progress lines that fall in it. True when the run ended in it
   * (diverged or stopped on request), with the history saying why.
   */
  private boolean trainEpoch(int epoch, int firstBatch, Progress p, History history)
      throws IOException {
    long intervalStart = p.epochStart;
    long intervalImages = 0, intervalSteps = 0;
    int index = role.index();
    int[] order = BatchLoader.shuffled(train.size(), model.seed() + index, epoch);
    int batch = firstBatch;
    long totalSteps = (long) recipe.epochs() * batchesPerEpoch();
    try (BatchLoader loader = BatchLoader.builder(train, pre).augmentation(aug)
        .batchSize(recipe.batchSize()).order(order).seed(model.seed() + index, epoch)
        .firstBatch(batch).workers(recipe.workers()).prefetch(recipe.prefetch()).build()) {
      while (loader.hasNext()) {
        long asked = System.nanoTime();
        BatchLoader.Batch next = loader.next();
        p.waitNanos += System.nanoTime() - asked;
        BatchLoader.Batch b = evenFor(next, replicaCount);
        batch++;
        p.bad += b.bad();
        if (b.size() == 0) {
          continue;
        }
        long before = p.step;
        StepResult r = step(b, p);
        if (!Double.isFinite(r.loss())) {
          history.diverged("loss became " + r.loss() + " at step " + p.step + " (epoch "
              + (epoch + 1) + "): training stopped; the last good checkpoint is "
              + checkpoints.latest().map(Path::toString).orElse("(none yet)")
              + ". A lower learning rate, or He initialization with biases of 0.1, usually"
              + " keeps it finite.");
          return true;
        }
        intervalImages += b.size();
        intervalSteps++;
        boolean more = loader.hasNext();
        // Saved before the listeners hear of the step: a crash in one loses nothing. The
        // global step of a cluster moves by more than one, hence "crossed a multiple".
        if (role.leads() && crossed(before, p.step, recipe.checkpointEvery()) && more) {
          save(p.at(epoch, batch));
        }
        if (role.leads() && crossed(before, p.step, recipe.valEvery()) && more) {
          EvalResult mid = validate();
          TrainingListener.Validation v = new TrainingListener.Validation(p.step,
              epoch + (double) batch / loader.batches(), mid.top1Error(), mid.top5Error());
          listeners.forEach(l -> l.onValidation(v));
        }
        if (stopRequested) {
          stop(epoch, batch, loader.batches(), p, history);
          return true;
        }
        if (crossed(before, p.step, recipe.logEvery())) {
          long t = System.nanoTime();
          double secs = (t - intervalStart) / 1e9;
          double stepsLeft = totalSteps - ((long) epoch * loader.batches() + batch);
          TrainingListener.Step info = new TrainingListener.Step(epoch, p.step, batch,
              loader.batches(), r.loss(), 1 - (double) r.hits() / r.size(), role.rate(),
              intervalImages / secs, stepsLeft * secs / intervalSteps);
          listeners.forEach(l -> l.onStep(info));
          intervalStart = t;
          intervalImages = 0;
          intervalSteps = 0;
        }
      }
    }
    return false;
  }

  /** One training step on {@code b}: the update, and the batch's loss and hits tallied. */
  private StepResult step(BatchLoader.Batch b, Progress p) {
    TrainingStep.Outcome o = steps.run(b.images(), b.labels(), b.size(), p.step);
    double loss = o.loss();
    float[] probs = o.probabilities();
    p.step = o.step();
    TopK.Hits hits = TopK.hits(probs, b.labels(), b.size(), model.classes());
    p.lossSum += loss * b.size();
    p.correct += hits.top1();
    p.correct5 += hits.top5();
    p.seen += b.size();
    p.ran++;
    return new StepResult(loss, hits.top1(), b.size());
  }

  /** A stop someone asked for: a checkpoint where the loop stands (by the chief), and why. */
  private void stop(int epoch, int batch, int batches, Progress p, History history)
      throws IOException {
    String where = "step " + p.step + " (epoch " + (epoch + 1) + ", batch " + batch + "/"
        + batches + ")";
    if (role.leads()) {
      Path ckpt = save(p.at(epoch, batch));
      history.stopped("stopped at " + where + "; saved " + ckpt
          + ", from which the run resumes exactly");
    } else {
      history.stopped("stopped at " + where + "; the chief keeps the checkpoints");
    }
  }

  /**
   * An epoch's end: the chief validates, moves the schedule, saves a checkpoint (and marks it
   * best when it is); every worker tells the listeners.
   */
  private void endEpoch(int epoch, Progress p, History history) throws IOException {
    EvalResult v = null;
    boolean best = false;
    double rate;
    if (role.leads()) {
      v = validate();
      double bestBefore = schedule.bestError();
      rate = schedule.afterEpoch(epoch, v.top1Error());
      best = v.top1Error() < bestBefore;
      setLearningRate(rate);
      Path ckpt = save(ResumeState.at(epoch + 1, 0, p.step));
      if (best) {
        checkpoints.markBest(ckpt);
      }
    } else {
      rate = role.rate();
    }
    TrainingListener.Epoch e = new TrainingListener.Epoch(epoch, p.step,
        p.seen == 0 ? Double.NaN : p.lossSum / p.seen,
        p.seen == 0 ? Double.NaN : 1 - (double) p.correct / p.seen,
        p.seen == 0 ? Double.NaN : 1 - (double) p.correct5 / p.seen,
        v == null ? Double.NaN : v.top1Error(), v == null ? Double.NaN : v.top5Error(), rate,
        (System.nanoTime() - p.epochStart) / 1e9, p.bad + (v == null ? 0 : v.bad()), best,
        p.waitNanos / 1e9);
    history.add(e);
    listeners.forEach(l -> l.onEpoch(e));
    p.nextEpoch();
  }

  /**
   * What differs between training alone and as a worker of a cluster: who leads (validates,
   * checkpoints, sets the rate), how the session opens, how a step counts, how the run starts.
   */
  private interface Role {
    boolean leads();

    int index();

    int workers();

    Session open(Graph g, ConfigProto config);

    StepRunner steps();

    ResumeState start(boolean resume) throws IOException;

    /** The learning rate now. */
    double rate();

    /** Said at the end of a run that went to its last epoch. */
    void finished(long ran);
  }

  /** One process, one or several replicas. */
  private final class Local implements Role {
    @Override
    public boolean leads() {
      return true;
    }

    @Override
    public int index() {
      return 0;
    }

    @Override
    public int workers() {
      return 1;
    }

    @Override
    public Session open(Graph g, ConfigProto config) {
      return new Session(g, config);
    }

    @Override
    public StepRunner steps() {
      return StepRunner.local();
    }

    @Override
    public ResumeState start(boolean resume) throws IOException {
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

    @Override
    public double rate() {
      return schedule.rate();
    }

    @Override
    public void finished(long ran) {}
  }

  /** A worker task of a cluster: the variables on the ps tasks, task 0 the chief. */
  private final class ClusterWorker implements Role {
    private final WorkerRole task;

    ClusterWorker(WorkerRole task) {
      this.task = task;
    }

    @Override
    public boolean leads() {
      return task.chief();
    }

    @Override
    public int index() {
      return task.index();
    }

    @Override
    public int workers() {
      return task.workers();
    }

    @Override
    public Session open(Graph g, ConfigProto config) {
      // TensorFlow's session setup waits without limit for a task that is not there.
      TaskProbe.awaitAll(task.cluster(), ClusterSpec.WORKER, task.index(), task.waitLimit(),
          Trainer.this::say);
      return RemoteSession.open(g, task.target(), config);
    }

    @Override
    public StepRunner steps() {
      return built.cluster().flatMap(TrainingGraph.ClusterHandles::sync)
          .map(s -> StepRunner.sync(session, s, task))
          .orElseGet(() -> StepRunner.async(handles));
    }

    @Override
    public ResumeState start(boolean resume) throws IOException {
      return new ClusterStart(session, task, built, Trainer.this::say).join(resume,
          () -> checkpoints.restoreNewestIntact(session, Trainer.this::say),
          () -> {
            session.forceInitialize();
            restorePretrained();
            setLearningRate(schedule.rate());
          },
          state -> {
            schedule.load(state);
            setLearningRate(schedule.rate());
          },
          batchesPerEpoch(), recipe.epochs());
    }

    @Override
    public double rate() {
      if (task.chief()) {
        return schedule.rate();
      }
      try (Result r = session.runner().fetch(handles.learningRate()).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }

    @Override
    public void finished(long ran) {
      // Async: the global step counts every worker's updates, so it runs ahead of this count.
      say(String.format(java.util.Locale.ROOT, "worker task %d ran %d steps; global step %d",
          task.index(), ran, globalStep()));
    }
  }

  /** A fresh fine-tuning run: the pretrained variables over the initialized ones. */
  private void restorePretrained() {
    Optional<String> op = handles.restore();
    if (op.isPresent()) {
      session.runner().addTarget(op.get()).run();
      say("started from " + fineTuning.from().orElseThrow() + " ("
          + fineTuning.restore().size() + " variables; frozen: "
          + (fineTuning.frozen().isEmpty() ? "none"
              : String.join(",", new java.util.TreeSet<>(fineTuning.frozen()))) + ")");
    }
  }

  static boolean crossed(long before, long after, int every) {
    return every > 0 && after / every > before / every;
  }

  /** The newest intact checkpoint restored (the store's policy), and the loop's place in it. */
  private Optional<ResumeState> restoreNewestIntact() throws IOException {
    Optional<Checkpoints.Restored> r = checkpoints.restoreNewestIntact(session, this::say);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    schedule.load(r.get().state());
    return Optional.of(ResumeState.of(r.get().state()));
  }

  private long globalStep() {
    try (Result r = session.runner().fetch(handles.globalStep()).run()) {
      return ((TInt64) r.get(0)).getLong();
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
    return (train.size() + recipe.batchSize() - 1) / recipe.batchSize();
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
    try (Tensor t = HostTensors.of(FloatType.FLOAT32, Shape.scalar(), new double[] {rate})) {
      session.runner().feed(handles.newLearningRate(), t)
          .addTarget(handles.setLearningRate()).run();
    }
  }

  /** The current value of every trainable variable, in {@link AlexNet#params()} order. */
  public List<float[]> parameterValues() {
    List<float[]> out = new ArrayList<>();
    for (Output<TFloat32> p : handles.params()) {
      try (Result r = session.runner().fetch(p).run()) {
        out.add(HostTensors.floats((TFloat32) r.get(0)));
      }
    }
    return out;
  }

  /** Top-1 and top-5 error on the validation data, central crops. */
  private EvalResult validate() {
    return Evaluator.evaluate(Evaluator.of(session, handles.images(), handles.probabilities()),
        val, pre, new EvalOptions(recipe.batchSize(), recipe.workers(), 1));
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
