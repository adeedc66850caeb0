package io.alexnet.cli;

import io.alexnet.api.Model;
import io.alexnet.inference.CClient;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train AlexNet on Fashion-MNIST for a few minutes, evaluate it on the test set,"
        + " export a SavedModel and load it from C: the whole product in one command.")
final class QuickstartCommand implements Callable<Integer> {

  @Option(names = "--out", description = "Run folder. Default: runs/quickstart-<date-time>.")
  Path out;

  @Option(names = "--limit",
      description = "Training images, seen once per epoch. Default: the quickstart recipe's"
          + " (4096).")
  Integer limit;

  @Mixin SessionFlags session;

  @Option(names = "--eval-limit", defaultValue = "1000",
      description = "Test images to evaluate on (0: all 10,000). Default: ${DEFAULT-VALUE}.")
  int evalLimit;

  @Option(names = "--epochs",
      description = "Epochs. Default: the quickstart recipe's (3, the rate cut by 10 for the"
          + " last).")
  Integer epochs;

  @Override
  public Integer call() throws Exception {
    Path run = out != null ? out : Path.of("runs", "quickstart-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    FashionMnistInstall.ensure();
    long start = System.nanoTime();

    step(1, "train (the paper's net at full size, the quickstart recipe: docs/training.md)");
    List<String> train = new java.util.ArrayList<>(List.of("train", "--recipe", "quickstart",
        "--data", "fashion-mnist", "--out", run.toString(),
        // The evaluation below writes the report, on the test images.
        "--no-report"));
    if (epochs != null) {
      train.addAll(List.of("--epochs", epochs.toString()));
    }
    if (limit != null) {
      train.addAll(List.of("--limit", limit.toString()));
    }
    check(Main.run(with(train)), "training");

    step(2, "evaluate on the Fashion-MNIST test set");
    check(Main.run(with(List.of("eval", "--model", run.toString(), "--data", "fashion-mnist",
        "--limit", Integer.toString(evalLimit)))), "evaluation");

    step(3, "export a SavedModel");
    Path version;
    try (Model trained = Model.loader(run).session(session.options()).load()) {
      version = trained.exportSavedModel(run.resolve("model"), 1);
    }
    System.out.println("exported " + version.toAbsolutePath());

    step(4, "load it from C with TensorFlow's C API");
    Path exe = CClient.build(run.resolve("c-client"));
    int size = 227;
    CClient.Output c = CClient.run(exe, version, 2, size);
    System.out.println("C client (TensorFlow " + c.tensorflowVersion() + ") top-5 of two test"
        + " inputs: " + java.util.Arrays.toString(c.top5().get(0)) + " "
        + java.util.Arrays.toString(c.top5().get(1)));

    double minutes = (System.nanoTime() - start) / 60e9;
    System.out.printf(Locale.ROOT, "%nquickstart done in %.1f minutes.%n", minutes);
    System.out.println("  run folder:   " + run.toAbsolutePath());
    System.out.println("  curves:       " + run.resolve("training.png") + ", "
        + run.resolve("epochs.csv") + " (tensorboard --logdir " + run + ")");
    System.out.println("  confusion:    " + run.resolve("confusion.png"));
    System.out.println("  report:       " + run.resolve("report.html") + " (curves, errors,"
        + " mistakes, kernels, neighbours; open it in a browser)");
    System.out.println("  SavedModel:   " + version + " (tools/alexnet inspect " + version + ")");
    System.out.println("  C client:     " + exe + " " + version + " 2 " + size);
    System.out.println("  predict:      tools/alexnet predict --model " + run.resolve("model")
        + " IMAGE.jpg");
    return 0;
  }

  /** A command's arguments with this command's session flags after them. */
  private String[] with(List<String> args) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(session.arguments());
    return all.toArray(new String[0]);
  }

  private static void step(int n, String what) {
    System.out.printf(Locale.ROOT, "%n== %d/4 %s%n", n, what);
  }

  private static void check(int code, String what) {
    if (code != 0) {
      throw new IllegalStateException(what + " failed (exit " + code + "); see above");
    }
  }
}
