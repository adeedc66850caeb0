package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.data.TfRecordDataset;
import io.alexnet.data.TfRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * What is inside a TFRecord: the fuzzed bytes are framed with correct CRCs, so every input
 * reaches tf.train.Example parsing, the feature lookup, the label range and the image decoder
 * (the CRCs would stop a byte fuzzer at the framing). Contract as for {@link TfRecordFuzzTest}.
 */
class ExampleFuzzTest {
  private static final Path FILE = Scratch.folder("example").resolve("train-00000-of-00001");

  @FuzzTest(maxDuration = "10s")
  void example(byte[] record) throws IOException {
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    TfRecords.write(framed, record);
    Scratch.write(FILE, framed.toByteArray());
    Contract.returnsOrRefuses(
        () -> Contract.everyExample(TfRecordDataset.open(FILE.toString(), 1000, 1)),
        Set.of(IOException.class, IllegalArgumentException.class));
  }
}
