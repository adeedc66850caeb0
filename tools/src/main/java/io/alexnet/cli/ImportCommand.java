package io.alexnet.cli;

import io.alexnet.importer.Importer;
import io.alexnet.store.RunDir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Import published AlexNet weights as a run folder that export, eval, predict,"
        + " summary, features and train --init-from take like a trained run.",
        "FILE is BVLC's bvlc_alexnet.caffemodel (old or new Caffe layout), the ONNX model zoo's"
            + " bvlc_alexnet .onnx, or an ONNX file this program exported; recognised by its"
            + " content."})
final class ImportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE") Path file;

  @Option(names = "--labels", paramLabel = "synset_words.txt",
      description = "Class names, one a line in class order (a WordNet id before the words is"
          + " dropped). Default: the file's own, else class 0, class 1, ...")
  Path labels;

  @Option(names = "--mean", paramLabel = "FILE.binaryproto",
      description = "Caffe's mean image (imagenet_mean.binaryproto). Default: the file's own,"
          + " else BVLC's per-channel mean B 104, G 117, R 123.")
  Path mean;

  @Option(names = "--out", required = true, paramLabel = "RUN_DIR",
      description = "The run folder to create.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Importer.Result r = Importer.importFile(file, labels, mean, out);
    RunDir run = r.run();
    var m = run.model();
    var pre = run.preprocessor();
    System.out.println("imported " + file + " (" + r.model().source().format() + ") into "
        + out.toAbsolutePath());
    System.out.printf("  %s, %d classes, %dx%d input, %,d parameters; LRN %s%n",
        m.variant().label(), m.classes(), m.imageSize(), m.imageSize(),
        r.model().weights().parameterCount(), m.lrn());
    System.out.printf("  pre-processing: %s, pixels 0..255 minus the mean (per channel %s),"
        + " times %s%n", pre.channelOrder(), io.alexnet.onnx.OnnxExport.meanPerChannel(pre),
        pre.scale());
    r.model().notes().forEach(n -> System.out.println("  note: " + n));
    System.out.println("  next: tools/alexnet predict --model " + out + " IMAGE...");
    return 0;
  }
}
