package io.alexnet.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.graph.LayerSizes;
import io.alexnet.importer.caffe.BlobProto;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.store.RunDir;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional inputs of an import (class names, a mean file, the zoo's 224 declaration), and
 * bad input: each a clear error, and no run folder left behind.
 */
class ImportProblemsTest {
  @TempDir Path tmp;

  /** A quarter-width bvlc_alexnet over 10 classes: every convention, little to write. */
  static BvlcFiles small() {
    return new BvlcFiles(0.25, 10, 7);
  }

  void assertRefused(Path file, Path labels, Path mean, String says) {
    Path out = tmp.resolve("refused");
    var e = assertThrows(IllegalArgumentException.class,
        () -> Importer.importFile(file, labels, mean, out));
    assertTrue(e.getMessage().contains(says), e.getMessage());
    assertFalse(Files.exists(out), "a run folder was left behind");
  }

  @Test
  void synsetWordsAndACaffeMeanFileAreTakenAsTheyAre() throws Exception {
    Path caffe = tmp.resolve("small.caffemodel");
    small().writeCaffe(caffe, true);
    Path words = tmp.resolve("synset_words.txt");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add(String.format("n%08d name %d, other name", 1440764 + i, i));
    }
    Files.write(words, lines);
    // 3 x 256 x 256, channel-major, in the model's BGR order: value = 1000 c + row + col/1000.
    BlobProto.Builder mean = BlobProto.newBuilder().setNum(1).setChannels(3).setHeight(256)
        .setWidth(256);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 256; y++) {
        for (int x = 0; x < 256; x++) {
          mean.addData(1000 * c + y + x / 1000f);
        }
      }
    }
    Path meanFile = tmp.resolve("imagenet_mean.binaryproto");
    try (OutputStream o = Files.newOutputStream(meanFile)) {
      mean.build().writeTo(o);
    }
    RunDir run = Importer.importFile(caffe, words, meanFile, tmp.resolve("run")).run();
    assertEquals("name 3, other name", run.labels().get(3));
    float[] m = run.preprocessor().mean();
    int y = 17, x = 200, c = 2;
    assertEquals(1000 * c + y + x / 1000f, m[(y * 256 + x) * 3 + c]);

    Files.write(words, lines.subList(0, 9));
    assertRefused(caffe, words, null, "has 9 class names; the model has 10");
    BlobProto wrong = BlobProto.newBuilder().setNum(1).setChannels(3).setHeight(227)
        .setWidth(227).addAllData(java.util.Collections.nCopies(3 * 227 * 227, 1f)).build();
    try (OutputStream o = Files.newOutputStream(meanFile)) {
      wrong.writeTo(o);
    }
    assertRefused(caffe, null, meanFile, "needs 3 x 256 x 256");
  }

  /**
   * The zoo's file says 1x3x224x224 and pads its pools to imitate Caffe's rounding there; the
   * weights are imported to run at 227, and the run says why.
   */
  @Test
  void theZoos224InputIsNotedAndTheModelRunsAt227() throws Exception {
    Path onnx = tmp.resolve("zoo.onnx");
    small().writeOnnx(onnx, 9, 224);
    Importer.Result r = Importer.importFile(onnx, null, null, tmp.resolve("run"));
    assertEquals(227, r.run().model().imageSize());
    String notes = String.join("\n", r.model().notes());
    assertTrue(notes.contains("declares a 224x224 input") && notes.contains("227x227"), notes);
    assertTrue(r.run().properties().getProperty("imported.note.1").length() > 0);
  }

  /**
   * Caffe rounds pooling output sizes up, TensorFlow down: at 227 the two agree at every pool
   * (55 -> 27 -> 13 -> 6), at 224 they do not, which is why the import runs at 227.
   */
  @Test
  void caffesAndTensorflowsPoolingAgreeAt227() {
    LayerSizes.Spatial tf = LayerSizes.spatial(227);
    int conv1 = (227 - 11) / 4 + 1;
    assertEquals(55, conv1);
    int p1 = caffePool(conv1), p2 = caffePool(p1), p5 = caffePool(p2);
    assertArrayEquals(new int[] {27, 13, 6}, new int[] {p1, p2, p5});
    assertArrayEquals(new int[] {tf.pool1(), tf.pool2(), tf.pool5()}, new int[] {p1, p2, p5});
    int conv1At224 = (224 - 11) / 4 + 1;
    assertTrue(caffePool(conv1At224) != (conv1At224 - 3) / 2 + 1);
  }

  static int caffePool(int in) {
    return (int) Math.ceil((in - 3) / 2.0) + 1;
  }

  @Test
  void filesThatAreNoAlexNetAreRefusedWithTheReason() throws Exception {
    Path text = tmp.resolve("notes.onnx");
    Files.writeString(text, "this is not a model\n");
    assertRefused(text, null, null, "is neither an ONNX model");

    Path onnx = tmp.resolve("full.onnx");
    small().writeOnnx(onnx, 9, 227);
    byte[] bytes = Files.readAllBytes(onnx);
    Path cut = tmp.resolve("truncated.onnx");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    assertRefused(cut, null, null, "truncated");

    Path caffe = tmp.resolve("full.caffemodel");
    small().writeCaffe(caffe, false);
    byte[] cb = Files.readAllBytes(caffe);
    Path cutCaffe = tmp.resolve("truncated.caffemodel");
    Files.write(cutCaffe, Arrays.copyOf(cb, cb.length - 1000));
    assertRefused(cutCaffe, null, null, "truncated");

    ModelProto m = ModelProto.parseFrom(bytes);
    // conv4 and its ReLU taken out: the error names the missing layer.
    List<NodeProto> nodes = new ArrayList<>(m.getGraph().getNodeList());
    nodes.removeIf(n -> n.getName().startsWith("conv4"));
    Path noConv4 = write(m.toBuilder().setGraph(m.getGraph().toBuilder().clearNode()
        .addAllNode(nodes)).build(), "no-conv4.onnx");
    assertRefused(noConv4, null, null, "there is no conv4");

    // conv3's weights of another shape: the error names conv3 and both shapes.
    var g = m.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("conv3_w_0")) {
        var t = g.getInitializer(i);
        int n = (int) (t.getDims(0) * t.getDims(1) * 3 * 5);
        g.setInitializer(i, BvlcFiles.raw("conv3_w_0", new float[n],
            new long[] {t.getDims(0), t.getDims(1), 3, 5}));
      }
    }
    Path bent = write(m.toBuilder().setGraph(g).build(), "bent.onnx");
    assertRefused(bent, null, null, "conv3 (conv3_1) has weights [96, 64, 3, 5]");
  }

  Path write(ModelProto m, String name) throws Exception {
    Path p = tmp.resolve(name);
    try (OutputStream o = Files.newOutputStream(p)) {
      m.writeTo(o);
    }
    return p;
  }
}
