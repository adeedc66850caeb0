package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.importer.Importer;
import io.alexnet.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code alexnet import FILE}: a published model file, told apart by content (ONNX or Caffe,
 * V1 or current layers), checked against AlexNet's layers and shapes, and written as a run.
 * Contract: a run folder, or IOException/IllegalArgumentException saying what is wrong, and
 * then no folder at all. The seeds are small Caffe V1, current Caffe and ONNX files of a
 * narrow AlexNet.
 */
class ModelFileFuzzTest {
  private static final Path DIR = Scratch.folder("import");

  @FuzzTest(maxDuration = "10s")
  void modelFile(byte[] bytes) throws IOException {
    Path file = Scratch.write(DIR.resolve("model.bin"), bytes);
    Path out = DIR.resolve("run");
    AtomicFiles.deleteTree(out);
    Contract.returnsOrRefuses(() -> Importer.importFile(file, null, null, out),
        Set.of(IOException.class, IllegalArgumentException.class));
  }
}
