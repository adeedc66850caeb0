package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.data.BadExampleException;
import io.alexnet.data.RgbImage;
import java.util.Set;

/**
 * The image decoder behind the folder reader, TFRecords and {@code predict}. Contract: JPEG,
 * PNG, BMP or GIF bytes decode to an RGB image; anything else is a BadExampleException. A
 * header that claims 100000x100000 pixels is refused from the header, before the decoder
 * allocates the raster.
 */
class ImageFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void image(byte[] encoded) {
    Contract.returnsOrRefuses(() -> RgbImage.decode(encoded), Set.of(BadExampleException.class));
  }
}
