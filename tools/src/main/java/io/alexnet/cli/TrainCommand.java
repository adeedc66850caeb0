package io.alexnet.cli;

import io.alexnet.api.AlexNetException;
import io.alexnet.api.FitOptions;
import io.alexnet.api.Model;
import io.alexnet.train.FineTuning;
import io.alexnet.api.Training;
import io.alexnet.cluster.ClusterServer;
import io.alexnet.cluster.ClusterSpec;
import io.alexnet.cluster.TfConfig;
import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.DataSources;
import io.alexnet.data.Dataset;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.ModelSummary;
import io.alexnet.report.CsvLogger;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.report.ProgressPrinter;
import io.alexnet.report.TrainingPlot;
import io.alexnet.runreport.RunReport;
import io.alexnet.train.CheckpointNotSaved;
import io.alexnet.train.History;
import io.alexnet.store.RunDir;
import io.alexnet.train.StopRequest;
import io.alexnet.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train AlexNet with the paper's recipe (SGD, momentum 0.9, weight decay 5e-4,"
        + " learning rate /10 on plateaus, crops, flips, colour PCA).")
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", defaultValue = "fashion-mnist",
      description = "fashion-mnist (Debian's package), a folder of class sub-folders, a folder of"
          + " IDX files, or a TFRecord glob. Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--val-data",
      description = "Validation data, same kinds as --data (IDX data: its test split)."
          + " Default: every k-th training example, held out (--val-fraction).")
  String valData;

  @Option(names = "--val-fraction", defaultValue = "0.05",
      description = "Share of the training data held out when there is no --val-data."
          + " Default: ${DEFAULT-VALUE}.")
  double valFraction;

  @Option(names = "--out", description = "Run folder. Default: runs/<data name>.")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
  boolean resume;

  @Option(names = "--epochs", defaultValue = "90", description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--lr",
      description = "Learning rate. Default: 0.01 (the paper's), or 0.001 with --init-from.")
  Double lr;

  @Option(names = "--init-from", paramLabel = "RUN_DIR|MODEL_DIR",
      description = "Start from this run's or SavedModel's weights (an imported model's too),"
          + " with its pre-processing; fc8 starts afresh when the data has other classes.")
  Path initFrom;

  @Option(names = "--freeze", paramLabel = "LAYER,...",
      description = "Layers (conv1..conv5, fc6, fc7, fc8) that keep their weights: no update,"
          + " no momentum.")
  String freeze;

  @Option(names = "--freeze-until", paramLabel = "LAYER",
      description = "Freeze this layer and every one before it, e.g. fc6.")
  String freezeUntil;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0.0005",
      description = "Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(names = "--schedule", defaultValue = "plateau",
      description = "plateau (divide by 10 when validation error stops improving), or the"
          + " epochs to divide at, e.g. 30,60,80. Default: ${DEFAULT-VALUE}.")
  String schedule;

  @Option(names = "--patience", defaultValue = "1",
      description = "Epochs without improvement before a plateau cut. Default: ${DEFAULT-VALUE}.")
  int patience;

  @Option(names = "--max-cuts", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
  int maxCuts;

  @Option(names = "--limit", defaultValue = "0",
      description = "Use only the first N training examples (0: all).")
  int limit;

  @Option(names = "--val-limit", defaultValue = "0",
      description = "Use only the first N validation examples (0: all).")
  int valLimit;

  @Option(names = "--input-scale", defaultValue = "paper",
      description = "paper: pixels 0..255 minus the mean (Section 2); unit: also divided by the"
          + " pixels' standard deviation (what --init he expects). Default: ${DEFAULT-VALUE}.")
  InputScale inputScale;

  @Option(names = "--no-crop", negatable = true, defaultValue = "true",
      description = "Random 227 crops of the 256 canvas (--no-crop: central crop).")
  boolean crop;

  @Option(names = "--no-flip", negatable = true, defaultValue = "true",
      description = "Random horizontal reflections.")
  boolean flip;

  @Option(names = "--no-pca", negatable = true, defaultValue = "true",
      description = "Colour PCA augmentation.")
  boolean pca;

  @Option(names = "--stats-images", defaultValue = "10000",
      description = "Training images the mean and colour PCA are computed from (0: all)."
          + " Default: ${DEFAULT-VALUE}.")
  int statsImages;

  @Option(names = "--log-every", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
  int logEvery;

  @Option(names = "--val-every", defaultValue = "0", paramLabel = "N",
      description = "Also validate every N steps inside an epoch (0: only after each), so a"
          + " short run still has a validation curve. Default: ${DEFAULT-VALUE}.")
  int valEvery;

  @Option(names = "--checkpoint-every", defaultValue = "500",
      description = "Steps between checkpoints (one also ends every epoch)."
          + " Default: ${DEFAULT-VALUE}.")
  int checkpointEvery;

  @Option(names = "--keep", defaultValue = "3",
      description = "Checkpoints kept besides the best. Default: ${DEFAULT-VALUE}.")
  int keep;

  @Option(names = "--workers", defaultValue = "2",
      description = "Image decoding threads. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Mixin SessionFlags session;

  @Option(names = "--label-base", defaultValue = "1",
      description = "First class id in TFRecord image/class/label (TF's ImageNet tooling: 1)."
          + " Default: ${DEFAULT-VALUE}.")
  int labelBase;

  @Option(names = "--cluster", paramLabel = "JOB=HOST:PORT[,HOST:PORT...]",
      description = "Train on a cluster: one flag for the ps tasks (they hold the variables),"
          + " one for the workers, the same in every process; with --job and --task. Without"
          + " it, TF_CONFIG (an orchestrator's cluster description) is read when set. Only on a"
          + " trusted network: TensorFlow's servers listen on all interfaces, unauthenticated.")
  List<String> cluster;

  @Option(names = "--job", description = "This process's job in --cluster: worker or ps.")
  String job;

  @Option(names = "--task",
      description = "This process's index in its --job (worker 0 is the chief). Default: 0.")
  Integer task;

  @Option(names = "--sync",
      description = "With --cluster: average every worker's gradients into one update per step"
          + " (all workers wait for each other). Default: asynchronous updates.")
  boolean sync;

  @Option(names = "--cluster-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "With --cluster: how long to wait for the other tasks, at start for all of"
          + " them to answer and, with --sync, for every worker's gradients each step; then"
          + " stop with an error naming the missing task (default: ${DEFAULT-VALUE}).")
  int clusterTimeout;

  @Mixin ModelOptions model;

  @Option(names = "--no-report", negatable = true, defaultValue = "true",
      description = "Write report.html at the end (looks again at 1,000 validation images).")
  boolean htmlReport;


  @Override
  public Integer call() throws Exception {
    ClusterSpec spec = null;
    String tfConfig = System.getenv(TfConfig.VARIABLE);
    if (cluster != null && !cluster.isEmpty()) {
      spec = ClusterSpec.parse(cluster);
      if (job == null) {
        throw new IllegalArgumentException("--cluster needs --job worker or --job ps, and --task");
      }
    } else if (tfConfig != null && !tfConfig.isBlank()) {
      // An orchestrator's description of the cluster, for every task the same; the flags may
      // repeat this task's part of it, not contradict it.
      TfConfig c = TfConfig.parse(tfConfig);
      if ((job != null && !job.equals(c.job())) || (task != null && task != c.task())) {
        throw new IllegalArgumentException(flags(job, task) + " contradicts "
            + TfConfig.VARIABLE + ", which makes this process " + c.job() + " task " + c.task()
            + ": drop the flags, or unset " + TfConfig.VARIABLE);
      }
      spec = c.spec();
      job = c.job();
      task = c.task();
    } else if (job != null || task != null || sync) {
      throw new IllegalArgumentException("--job, --task and --sync are for cluster training:"
          + " give --cluster ps=HOST:PORT --cluster worker=HOST:PORT,..., or set "
          + TfConfig.VARIABLE);
    }
    if (task == null) {
      task = 0;
    }
    if (spec != null) {
      spec.checkTask(job, task);
      if (job.equals(ClusterSpec.PS)) {
        return servePs(spec);
      }
    }
    if (freeze != null && freezeUntil != null) {
      throw new IllegalArgumentException("give --freeze or --freeze-until, not both");
    }
    // A cluster's other workers share the chief's data but keep their own logs.
    boolean follower = spec != null && task > 0;
    Path runPath = out != null ? out
        : Path.of("runs", runName(data) + (follower ? "-worker" + task : ""));
    if (data.equals(DataSources.FASHION_MNIST)) {
      FashionMnistInstall.ensure();
    }
    int tfClasses = model.classes != null ? model.classes : 1000;
    Dataset trainData = DataSources.open(data, false, tfClasses, labelBase);
    // Fine-tuning moves weights that already work: a tenth of the paper's rate (as BVLC's
    // fine-tuning recipes use) keeps the first steps from undoing them.
    double rate = lr != null ? lr : initFrom != null ? 0.001 : 0.01;
    TrainConfig tc = TrainConfig.builder().epochs(epochs).batchSize(batch).learningRate(rate)
        .momentum(momentum).weightDecay(weightDecay).milestones(parseSchedule(schedule))
        .patience(patience).maxCuts(maxCuts).logEvery(logEvery).checkpointEvery(checkpointEvery)
        .keep(keep).workers(workers).valEvery(valEvery).build();
    SessionOptions sessionOptions = session.options();
    FitOptions.Advanced advanced = FitOptions.Advanced.DEFAULT.withDataName(data);
    if (spec != null) {
      ClusterServer server = ClusterServer.start(spec, ClusterSpec.WORKER, task,
          sessionOptions.configProto());
      WorkerRole role = new WorkerRole(spec, task, sync, server.target(),
          java.time.Duration.ofSeconds(clusterTimeout));
      advanced = advanced.withCluster(role);
      System.out.println(role + ", serving on " + server.address() + "; variables on "
          + role.variableDevices());
    }
    StopRequest stop = new StopRequest();
    FitOptions.Builder options = FitOptions.builder(trainData, runPath)
        .model(model.config(trainData.numClasses())).recipe(tc).limit(limit)
        .validationFraction(valFraction).validationLimit(valLimit)
        .unitVariance(inputScale == InputScale.unit).augmentation(crop, flip, pca)
        .statsImages(statsImages).listener(new ProgressPrinter(System.err, epochs))
        .resume(resume).frozen(freezeUntil != null ? FineTuning.upTo(freezeUntil)
            : freeze != null ? Set.of(freeze.split(",")) : Set.of())
        .stopRequest(stop).session(sessionOptions).advanced(advanced);
    if (valData != null) {
      options.validation(DataSources.open(valData, true, tfClasses, labelBase));
    }
    if (initFrom != null) {
      options.initFrom(initFrom);
    }
    Training.Prepared prepared = Training.prepare(options.build());
    System.out.println("training data:   " + prepared.train().describe());
    System.out.println("validation data: " + prepared.validation().describe());
    System.out.println(prepared.origin());
    System.out.println("precision: " + prepared.precision());
    ModelConfig m = prepared.model();
    try (Graph g = new Graph()) {
      System.out.print(ModelSummary.of(AlexNet.build(g, m, AlexNet.Mode.INFERENCE)));
    }
    // Placement is the machine's business, not the model's: a run may resume on other devices.
    List<io.alexnet.graph.DevicePlan> replicas = model.replicaPlans(m.variant());
    if (replicas.size() > 1) {
      System.out.println(replicas.size() + " replicas: " + replicas);
    }
    System.out.printf(Locale.ROOT, "%d steps per epoch of %d images; run folder %s%n",
        (prepared.train().size() + batch - 1) / batch, prepared.train().size(),
        runPath.toAbsolutePath());
    StopOnSignal.install(stop);
    History h;
    try {
      h = prepared.fit(replicas).history();
    } catch (AlexNetException e) {
      if (e.getCause() instanceof CheckpointNotSaved) {
        System.err.println("alexnet train: " + e.getMessage());
        System.err.println("alexnet train: to continue, run the same command with --resume");
        return 2;
      }
      throw e;
    }
    if (h.outcome() == History.Outcome.STOPPED) {
      System.err.println("alexnet train: " + h.message());
      if (!follower) {
        System.err.println("alexnet train: to continue, run the same command with --resume");
      }
      return StopOnSignal.exitCode();
    }
    if (h.outcome() == History.Outcome.DIVERGED) {
      System.err.println("alexnet train: try --lr " + (rate / 10)
          + ", or --init he --hidden-bias 0.1 --input-scale unit (what the quickstart uses)");
      return 3;
    }
    if (follower) {
      System.out.println("done: this worker's curves in " + runPath.resolve(TrainingPlot.FILE)
          + "; the chief (worker 0) holds the checkpoints");
      return 0;
    }
    System.out.println("done: checkpoints in " + runPath.resolve(RunDir.CHECKPOINTS)
        + ", curves in " + runPath.resolve(TrainingPlot.FILE) + " and "
        + runPath.resolve(CsvLogger.EPOCHS) + "; TensorBoard: tensorboard --logdir " + runPath);
    if (htmlReport) {
      // On the validation images, neighbours among the training images.
      try (Model trained = Model.load(runPath)) {
        ProgressBar bar = new ProgressBar("report: classifying");
        Path page = RunReport.evaluateAndWrite(trained, prepared.validation(),
            RunReport.trainingData(trained), RunReport.Options.closing(1000),
            runPath.resolve("report.html"), bar);
        bar.done();
        System.out.println("report: " + page.toAbsolutePath());
      }
    }
    return 0;
  }

  /** --input-scale: what the pixels are divided by. */
  enum InputScale { paper, unit }

  private static String flags(String job, Integer task) {
    return ((job != null ? "--job " + job : "") + (task != null ? " --task " + task : "")).trim();
  }

  /** A ps task: serves the variables to the workers until the process is killed. */
  private int servePs(ClusterSpec spec) {
    ClusterServer server = ClusterServer.start(spec, ClusterSpec.PS, task,
        session.options().withVirtualCpus(1).withPrecision(Precision.FLOAT32).configProto());
    System.out.println("ps task " + task + " of " + spec.count(ClusterSpec.PS) + " serving on "
        + server.address() + " for cluster " + spec + "; it holds variables for the workers and"
        + " runs until killed (Ctrl-C). Only on a trusted network: the port takes commands from"
        + " anyone who reaches it.");
    server.join();
    return 0;
  }

  static List<Integer> parseSchedule(String s) {
    if (s.equals("plateau")) {
      return List.of();
    }
    try {
      return Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--schedule takes 'plateau' or epochs like 30,60,80,"
          + " got '" + s + "'");
    }
  }

  static String runName(String data) {
    String base = Path.of(data.replace("*", "").replace("?", "")).getFileName() == null
        ? "run" : Path.of(data.replace("*", "").replace("?", "")).getFileName().toString();
    return base.isEmpty() || base.equals(".") ? "run" : base;
  }
}
