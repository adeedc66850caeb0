package io.alexnet.importer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.alexnet.importer.caffe.BlobProto;
import io.alexnet.runtime.HostArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Caffe's mean image ({@code imagenet_mean.binaryproto}): a BlobProto of 1 x 3 x H x W in the
 * channel order the model was trained with (BGR for BVLC's), channel-major.
 */
public final class MeanFile {
  private MeanFile() {}

  /** The mean as a canvas x canvas x 3 image, channels last, in the file's channel order. */
  public static float[] read(Path file, int canvas) throws IOException {
    BlobProto blob;
    try {
      blob = BlobProto.parseFrom(ModelFile.coded(Files.readAllBytes(file)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " is not a Caffe mean file (BlobProto): "
          + e.getMessage());
    }
    HostArray a;
    try {
      a = CaffeReader.blob("mean", blob, 3);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not a mean image: " + e.getMessage());
    }
    long[] want = {3, canvas, canvas};
    if (!Arrays.equals(a.shape(), want)) {
      throw new IllegalArgumentException(file + " holds a mean of " + Arrays.toString(a.shape())
          + "; this model needs 3 x " + canvas + " x " + canvas + " (channels, height, width)");
    }
    float[] hwc = new float[a.values().length];
    int pixels = canvas * canvas;
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < pixels; p++) {
        hwc[p * 3 + c] = a.values()[c * pixels + p];
      }
    }
    return hwc;
  }

  /** A mean image of one value per channel (BVLC's B 104, G 117, R 123, say). */
  public static float[] perChannel(int canvas, float[] channels) {
    float[] hwc = new float[canvas * canvas * 3];
    for (int i = 0; i < hwc.length; i++) {
      hwc[i] = channels[i % 3];
    }
    return hwc;
  }
}
