package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.data.DataStats;
import io.alexnet.io.PropertiesFile;
import io.alexnet.store.Checkpoints;
import io.alexnet.train.ResumeState;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A run folder's metadata, which {@code --resume}, {@code eval} and {@code export} read before
 * any TensorFlow code: run.properties (the model), a checkpoint's state.properties (where the
 * loop stood), and data-stats.bin (mean image and colour PCA). Contract: values, or
 * IOException/IllegalArgumentException naming the file; a canvas size in data-stats.bin never
 * sizes the mean image by itself.
 *
 * <p>Input: {@link Parts} of run.properties, state.properties and data-stats.bin.
 */
class RunFilesFuzzTest {
  private static final Path RUN = Scratch.folder("run");

  @FuzzTest(maxDuration = "10s")
  void runFiles(byte[] data) {
    List<byte[]> parts = Parts.split(data, 3);
    RunDir run = new RunDir(RUN);
    Path state = RUN.resolve(RunDir.CHECKPOINTS).resolve("ckpt-7").resolve(Checkpoints.STATE);
    Scratch.write(RUN.resolve(RunDir.PROPERTIES), parts.get(0));
    Scratch.write(state, parts.get(1));
    Scratch.write(run.stats(), parts.get(2));
    Set<Class<? extends Exception>> refusals =
        Set.of(IOException.class, IllegalArgumentException.class);
    Contract.returnsOrRefuses(() -> {
      run.model();
      run.inputScale();
      run.channelOrder();
    }, refusals);
    Contract.returnsOrRefuses(() -> ResumeState.of(PropertiesFile.read(state)), refusals);
    Contract.returnsOrRefuses(() -> DataStats.load(run.stats()), refusals);
  }
}
