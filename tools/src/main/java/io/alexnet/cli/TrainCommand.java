package io.alexnet.cli;

import io.alexnet.api.AlexNetException;
import io.alexnet.api.FitOptions;
import io.alexnet.api.Model;
import io.alexnet.api.Training;
import io.alexnet.cluster.ClusterTask;
import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Augmentation;
import io.alexnet.data.Dataset;
import io.alexnet.graph.ModelSummary;
import io.alexnet.graph.WeightInit;
import io.alexnet.logs.CsvLogger;
import io.alexnet.logs.ProgressPrinter;
import io.alexnet.logs.TrainingPlot;
import io.alexnet.report.RunReport;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.RunDir;
import io.alexnet.train.CheckpointNotSaved;
import io.alexnet.train.FineTuning;
import io.alexnet.train.History;
import io.alexnet.train.Recipe;
import io.alexnet.train.StopRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train AlexNet: the paper's update (SGD, momentum 0.9, weight decay 5e-4,"
        + " learning rate /10 on plateaus) with crops, flips and colour PCA.",
        "--recipe picks the recipe (default: the paper's with He initialization, hidden biases"
            + " of 0.1 and unit-variance inputs, which learns on data other than ImageNet;"
            + " paper: Section 5 exactly); the flags after it override single fields."})
final class TrainCommand implements Callable<Integer> {

  @Mixin DataFlags data;

  @Option(names = "--val-data", paramLabel = "DATA",
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

  @Option(names = "--recipe", paramLabel = "NAME",
      description = "default, paper, fine-tune or quickstart (docs/training.md). Default:"
          + " default, or fine-tune with --init-from.")
  String recipe;

  @Option(names = "--epochs", description = "Default: the recipe's (90; quickstart 3).")
  Integer epochs;

  @Option(names = "--lr", description = "Learning rate. Default: the recipe's (0.01; fine-tune"
      + " 0.001, quickstart 0.02).")
  Double lr;

  @Option(names = "--momentum", description = "Default: the recipe's (0.9).")
  Double momentum;

  @Option(names = "--weight-decay", description = "Default: the recipe's (0.0005).")
  Double weightDecay;

  @Option(names = "--schedule",
      description = "plateau (divide by 10 when validation error stops improving), or the"
          + " epochs to divide at, e.g. 30,60,80. Default: the recipe's (plateau).")
  String schedule;

  @Option(names = "--patience",
      description = "Epochs without improvement before a plateau cut. Default: the recipe's (1).")
  Integer patience;

  @Option(names = "--max-cuts", description = "Default: the recipe's (3).")
  Integer maxCuts;

  @Option(names = "--init", paramLabel = "paper|he",
      description = "Weight init: paper (N(0, 0.01^2)) or he. Default: the recipe's (he; paper"
          + " for --recipe paper).")
  String init;

  @Option(names = "--hidden-bias",
      description = "Bias of conv2, conv4, conv5, fc6, fc7. Default: the recipe's (0.1; the"
          + " paper's 1 for --recipe paper).")
  Double hiddenBias;

  @Option(names = "--input-scale", paramLabel = "paper|unit",
      description = "paper: pixels 0..255 minus the mean (Section 2); unit: also divided by the"
          + " pixels' standard deviation (what --init he expects). Default: the recipe's.")
  String inputScale;

  @Option(names = "--crop", negatable = true,
      description = "Random 227 crops of the 256 canvas (--no-crop: the central crop)."
          + " Default: the recipe's.")
  Boolean crop;

  @Option(names = "--flip", negatable = true,
      description = "Random horizontal reflections. Default: the recipe's.")
  Boolean flip;

  @Option(names = "--pca", negatable = true,
      description = "Colour PCA augmentation. Default: the recipe's.")
  Boolean pca;

  @Option(names = "--stats-images",
      description = "Training images the mean and colour PCA are computed from (0: all)."
          + " Default: the recipe's (10000).")
  Integer statsImages;

  @Option(names = "--val-limit",
      description = "Use only the first N validation examples (0: all). Default: the recipe's.")
  Integer valLimit;

  @Option(names = "--log-every", description = "Steps between progress lines. Default: the"
      + " recipe's (10).")
  Integer logEvery;

  @Option(names = "--val-every", paramLabel = "N",
      description = "Also validate every N steps inside an epoch (0: only after each), so a"
          + " short run still has a validation curve. Default: the recipe's (0).")
  Integer valEvery;

  @Option(names = "--checkpoint-every",
      description = "Steps between checkpoints (one also ends every epoch; 0: only those)."
          + " Default: the recipe's (500).")
  Integer checkpointEvery;

  @Option(names = "--keep",
      description = "Checkpoints kept besides the best. Default: the recipe's (3).")
  Integer keep;

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

  @Mixin NetworkFlags model;

  @Mixin SessionFlags session;

  @Option(names = "--report", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Write report.html at the end (looks again at 1,000 validation images)."
          + " Default: yes.")
  boolean htmlReport;

  @Override
  public Integer call() throws Exception {
    Optional<ClusterTask> clusterTask = ClusterTask.resolve(
        cluster == null ? List.of() : cluster, Optional.ofNullable(job),
        Optional.ofNullable(task), sync, Duration.ofSeconds(clusterTimeout), System.getenv());
    SessionOptions sessionOptions = session.options();
    if (clusterTask.isPresent() && clusterTask.get().ps()) {
      ClusterTask ps = clusterTask.get();
      ps.servePs(sessionOptions, address -> System.out.println("ps task " + ps.index() + " of "
          + ps.spec().count("ps") + " serving on " + address + " for cluster " + ps.spec()
          + "; it holds variables for the workers and runs until killed (Ctrl-C). Only on a"
          + " trusted network: the port takes commands from anyone who reaches it."));
      return 0;
    }
    if (freeze != null && freezeUntil != null) {
      throw new IllegalArgumentException("give --freeze or --freeze-until, not both");
    }
    boolean follower = clusterTask.map(ClusterTask::follower).orElse(false);
    String spec = data.spec();
    Path runPath = out != null ? out
        : Path.of("runs", runName(spec) + (follower ? "-worker" + task(clusterTask) : ""));
    int tfClasses = model.classes != null ? model.classes : 1000;
    Dataset trainData = data.labelledAll(false, tfClasses);
    Recipe r = recipe();
    FitOptions.Advanced advanced = FitOptions.Advanced.DEFAULT.withDataName(spec);
    if (clusterTask.isPresent()) {
      WorkerRole role = clusterTask.get().startWorker(sessionOptions);
      advanced = advanced.withCluster(role);
      System.out.println(role + ", serving at " + role.target() + "; variables on "
          + role.variableDevices());
    }
    StopRequest stop = new StopRequest();
    FitOptions.Builder options = FitOptions.builder(trainData, runPath)
        .model(model.config(trainData.numClasses())).recipe(r)
        .validationFraction(valFraction)
        .listener(new ProgressPrinter(System.err, r.loop().epochs()))
        .resume(resume).frozen(freezeUntil != null ? FineTuning.upTo(freezeUntil)
            : freeze != null ? Set.of(freeze.split(",")) : Set.of())
        .stopRequest(stop).session(sessionOptions).advanced(advanced);
    if (valData != null) {
      options.validation(data.labelledAll(valData, true, tfClasses));
    }
    if (initFrom != null) {
      options.initFrom(initFrom);
    }
    Training.Prepared prepared = Training.prepare(options.build());
    System.out.println("training data:   " + prepared.train().describe());
    System.out.println("validation data: " + prepared.validation().describe());
    System.out.println(prepared.origin());
    System.out.println("precision: " + prepared.precision());
    System.out.print(ModelSummary.of(prepared.model()));
    // Placement is the machine's business, not the model's: a run may resume on other devices.
    List<io.alexnet.graph.DevicePlan> replicas = model.replicaPlans(prepared.model().variant());
    if (replicas.size() > 1) {
      System.out.println(replicas.size() + " replicas: " + replicas);
    }
    int batch = r.loop().batchSize();
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
      System.err.println("alexnet train: try --lr " + (r.loop().learningRate() / 10)
          + ", or the default recipe (He initialization, biases of 0.1, unit-variance inputs)");
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
      try (Model trained = Model.loader(runPath).session(sessionOptions).load()) {
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

  /** The recipe asked for: the named one (or the library's default), then each flag given. */
  Recipe recipe() {
    Recipe.Builder b = (recipe != null ? Recipe.named(recipe)
        : Recipe.defaultFor(initFrom != null)).toBuilder();
    Recipe base = b.build();
    if (epochs != null) {
      b.epochs(epochs);
    }
    if (data.batch != null) {
      b.batchSize(data.batch);
    }
    if (lr != null) {
      b.learningRate(lr);
    }
    if (momentum != null) {
      b.momentum(momentum);
    }
    if (weightDecay != null) {
      b.weightDecay(weightDecay);
    }
    if (schedule != null) {
      b.milestones(parseSchedule(schedule));
    }
    if (patience != null) {
      b.patience(patience);
    }
    if (maxCuts != null) {
      b.maxCuts(maxCuts);
    }
    if (init != null) {
      b.init(WeightInit.parse(init));
    }
    if (hiddenBias != null) {
      b.hiddenBias(hiddenBias);
    }
    if (inputScale != null) {
      b.unitVariance(parseInputScale(inputScale));
    }
    Augmentation.Choice a = base.augmentation();
    b.augmentation(new Augmentation.Choice(crop != null ? crop : a.randomCrop(),
        flip != null ? flip : a.flip(), pca != null ? pca : a.colourPca()));
    if (statsImages != null) {
      b.statsImages(statsImages);
    }
    if (data.limit != 0) {
      b.limit(data.limit);
    }
    if (valLimit != null) {
      b.validationLimit(valLimit);
    }
    if (logEvery != null) {
      b.logEvery(logEvery);
    }
    if (valEvery != null) {
      b.validateEvery(valEvery);
    }
    if (checkpointEvery != null) {
      b.checkpointEvery(checkpointEvery);
    }
    if (keep != null) {
      b.keep(keep);
    }
    b.workers(data.workers);
    return b.build();
  }

  private static int task(Optional<ClusterTask> t) {
    return t.map(ClusterTask::index).orElse(0);
  }

  static boolean parseInputScale(String s) {
    return switch (s) {
      case "unit" -> true;
      case "paper" -> false;
      default -> throw new IllegalArgumentException("--input-scale takes paper or unit, got '"
          + s + "'");
    };
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
