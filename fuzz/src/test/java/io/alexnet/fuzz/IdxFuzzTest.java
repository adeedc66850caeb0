package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.data.FashionMnist;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Fashion-MNIST's IDX files, plain or gzip-compressed. Contract: opening returns a dataset or
 * throws IOException naming the file; every example it then serves decodes or is a
 * BadExampleException (skipped and counted). A header's counts never size a buffer by
 * themselves: an IDX file claiming 2^31 images is refused or read as the images it holds.
 *
 * <p>Input: {@link Parts} of a flags byte (bit 0: gzip both files), the label file and the
 * image file.
 */
class IdxFuzzTest {
  private static final Path DIR = Scratch.folder("idx");

  @FuzzTest(maxDuration = "10s")
  void idx(byte[] data) throws IOException {
    List<byte[]> parts = Parts.split(data, 3);
    boolean gzip = parts.get(0).length > 0 && (parts.get(0)[0] & 1) == 1;
    for (String name : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      Files.deleteIfExists(DIR.resolve(name));
      Files.deleteIfExists(DIR.resolve(name + ".gz"));
    }
    String gz = gzip ? ".gz" : "";
    Scratch.write(DIR.resolve("t10k-labels-idx1-ubyte" + gz), gzip(parts.get(1), gzip));
    Scratch.write(DIR.resolve("t10k-images-idx3-ubyte" + gz), gzip(parts.get(2), gzip));
    Contract.returnsOrRefuses(
        () -> Contract.everyExample(FashionMnist.open(DIR, FashionMnist.Split.TEST)),
        Set.of(IOException.class));
  }

  static byte[] gzip(byte[] b, boolean really) {
    if (!really) {
      return b;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
