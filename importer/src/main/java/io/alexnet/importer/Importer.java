package io.alexnet.importer;

import io.alexnet.data.ChannelOrder;
import io.alexnet.data.Preprocessor;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Imports a published AlexNet (BVLC's {@code bvlc_alexnet} as a Caffe or ONNX file, or an ONNX
 * file this project exported) as a run folder, with the pre-processing it was trained with.
 *
 * <p>A Caffe-trained model takes BGR images in 0..255 minus BVLC's mean: the mean image of a
 * {@code --mean} file, else B 104, G 117, R 123 per channel. A file this project exported
 * carries its own channel order, scale, mean image and labels in its metadata.
 */
public final class Importer {
  /** BVLC's ImageNet mean per channel, in BGR order. */
  public static final float[] BVLC_MEAN_BGR = {104, 117, 123};

  private Importer() {}

  /** What an import made: the run, the model it holds, and what the user should know. */
  public record Result(RunDir run, ImportedModel model) {}

  /**
   * @param labels a synset_words.txt-style file, or null for the file's own names or "class i"
   * @param mean a Caffe mean .binaryproto, or null for the file's own or BVLC's per channel
   */
  public static Result importFile(Path file, Path labels, Path mean, Path out)
      throws IOException {
    SourceNet net = ModelFile.read(file);
    ImportedModel m = ImportedModel.of(net);
    int size = m.model().imageSize(), classes = m.model().classes();
    int canvas = Preprocessor.canvasFor(size);
    Map<String, String> meta = net.metadata();
    boolean ours = meta.containsKey(OnnxExport.META_CHANNELS);

    ChannelOrder order = ours ? ChannelOrder.parse(meta.get(OnnxExport.META_CHANNELS))
        : ChannelOrder.BGR;
    float scale = ours ? Float.parseFloat(meta.getOrDefault(OnnxExport.META_SCALE, "1")) : 1f;
    float[] meanImage;
    if (mean != null) {
      meanImage = MeanFile.read(mean, canvas);
    } else if (ours && meta.containsKey(OnnxExport.META_MEAN_IMAGE)) {
      meanImage = decode(meta.get(OnnxExport.META_MEAN_IMAGE), canvas);
    } else {
      meanImage = MeanFile.perChannel(canvas, ours ? new float[3] : BVLC_MEAN_BGR);
    }
    List<String> names;
    if (labels != null) {
      names = SynsetWords.read(labels, classes);
    } else if (ours && !meta.getOrDefault(OnnxExport.META_LABELS, "").isEmpty()) {
      names = List.of(meta.get(OnnxExport.META_LABELS).split("\n"));
    } else {
      names = IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
    }
    Preprocessor pre = new Preprocessor(size, meanImage, scale, order);
    RunDir run = PretrainedRun.write(m, pre, names, file.getFileName().toString(), out);
    return new Result(run, m);
  }

  private static float[] decode(String base64, int canvas) {
    byte[] b = Base64.getDecoder().decode(base64);
    if (b.length != canvas * canvas * 3 * 4) {
      throw new IllegalArgumentException("the file's mean image has " + b.length / 4
          + " values; the model needs " + canvas + "x" + canvas + "x3");
    }
    float[] v = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
