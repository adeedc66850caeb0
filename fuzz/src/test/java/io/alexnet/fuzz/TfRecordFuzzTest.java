package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.data.TfRecordDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A TFRecord file as it arrives: framing, length field, both CRCs. Contract: opening returns
 * the records whose headers check out (a bad header ends the file and is counted) or throws
 * IOException/IllegalArgumentException; each record then decodes or is a BadExampleException.
 * A length field of 2^60 is refused before any buffer of that size exists.
 */
class TfRecordFuzzTest {
  private static final Path FILE = Scratch.folder("tfrecord").resolve("train-00000-of-00001");

  @FuzzTest(maxDuration = "10s")
  void tfrecord(byte[] bytes) {
    Scratch.write(FILE, bytes);
    Contract.returnsOrRefuses(
        () -> Contract.everyExample(TfRecordDataset.open(FILE.toString(), 1000, 1)),
        Set.of(IOException.class, IllegalArgumentException.class));
  }
}
