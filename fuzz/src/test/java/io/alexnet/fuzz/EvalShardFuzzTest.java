package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.eval.EvalShard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The partial results {@code eval --merge} reads. Contract: a shard (and its merge on its own)
 * or IOException/IllegalArgumentException naming the file; a class count of 2^31 in the file
 * does not size an array.
 */
class EvalShardFuzzTest {
  private static final Path FILE = Scratch.folder("shard").resolve("shard-0.properties");

  @FuzzTest(maxDuration = "10s")
  void shard(byte[] bytes) {
    Scratch.write(FILE, bytes);
    Contract.returnsOrRefuses(() -> EvalShard.merge(List.of(EvalShard.load(FILE))),
        Set.of(IOException.class, IllegalArgumentException.class));
  }
}
