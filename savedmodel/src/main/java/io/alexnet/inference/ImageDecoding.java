package io.alexnet.inference;

import io.alexnet.data.ChannelOrder;
import io.alexnet.data.Preprocessor;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The training run's evaluation pre-processing as TensorFlow ops, for the {@code
 * classify_images} signature: decode (JPEG, PNG, GIF, BMP; grayscale becomes RGB), shorter side
 * to the canvas with half-pixel-centred bilinear resizing (as {@link Preprocessor} does), the
 * central crop, channels reordered for a BGR model, minus the mean image, times the input
 * scale. Applied to each string of a batch
 * with MapDefun, so images of different sizes can share a request.
 */
final class ImageDecoding {
  private ImageDecoding() {}

  /** float32 [batch, crop, crop, 3] from a string [batch] of encoded images. */
  static Operand<TFloat32> decodeBatch(Ops tf, Operand<TString> encoded, Preprocessor pre) {
    ConcreteFunction one = ConcreteFunction.create(fn -> single(fn, pre));
    int s = pre.crop();
    // On the host by design: decoding files is CPU work, and no device has kernels for it.
    DeviceSpec host = DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU)
        .deviceIndex(0).build();
    var map = tf.withName("decode_images").withDevice(host).mapDefun(List.of(encoded),
        List.of(), List.of(TFloat32.class), List.of(Shape.of(s, s, 3)), one);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> out = (Operand<TFloat32>) map.output().get(0);
    return out;
  }

  private static Signature single(Ops tf, Preprocessor pre) {
    int canvas = pre.canvas(), crop = pre.crop();
    Placeholder<TString> bytes = tf.placeholder(TString.class,
        Placeholder.shape(Shape.scalar()));
    var pixels = tf.image.decodeImage(bytes, TUint8.class, DecodeImage.channels(3L),
        DecodeImage.expandAnimations(false));
    var hw = tf.slice(tf.shape(pixels), tf.constant(new int[] {0}), tf.constant(new int[] {2}));
    Operand<TFloat32> hwf = tf.dtypes.cast(hw, TFloat32.class);
    var shorter = tf.min(hwf, tf.constant(0));
    var scaled = tf.math.round(tf.math.mul(hwf, tf.math.div(tf.constant((float) canvas), shorter)));
    Operand<TInt32> size = tf.math.maximum(tf.dtypes.cast(scaled, TInt32.class),
        tf.constant(canvas));
    var resized = tf.image.resizeBilinear(tf.expandDims(pixels, tf.constant(0)), size,
        ResizeBilinear.halfPixelCenters(true));
    // Integer offsets exactly as Preprocessor: the canvas centred, then the crop centred.
    var offset = tf.math.add(tf.math.floorDiv(tf.math.sub(size, tf.constant(canvas)),
        tf.constant(2)), tf.constant((canvas - crop) / 2));
    var begin = tf.concat(List.of(tf.constant(new int[] {0}), offset, tf.constant(new int[] {0})),
        tf.constant(0));
    Operand<TFloat32> patch = tf.reshape(tf.slice(resized, begin,
        tf.constant(new int[] {1, crop, crop, 3})), tf.constant(new int[] {crop, crop, 3}));
    if (pre.channelOrder() == ChannelOrder.BGR) {
      patch = tf.reverse(patch, tf.constant(new int[] {2}));
    }
    Operand<TFloat32> centred = patch;
    float[] mean = pre.mean();
    if (mean != null) {
      float[] meanCrop = new float[crop * crop * 3];
      int o = (canvas - crop) / 2;
      for (int y = 0; y < crop; y++) {
        System.arraycopy(mean, ((y + o) * canvas + o) * 3, meanCrop, y * crop * 3, crop * 3);
      }
      centred = tf.math.sub(patch, tf.constant(Shape.of(crop, crop, 3),
          DataBuffers.of(meanCrop, true, false)));
    }
    var out = tf.math.mul(centred, tf.constant(pre.scale()));
    return Signature.builder().input("bytes", bytes).output("image", out).build();
  }
}
