package io.alexnet.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/** Loading refuses what is not a sound AlexNet SavedModel, saying why. */
class ServingModelGuardTest {
  @TempDir Path tmp;

  /** A SavedModel folder whose graph also reads a file from disk. */
  private Path sneakyModel() throws Exception {
    Path dir = tmp.resolve("sneaky");
    Files.createDirectories(dir.resolve("variables"));
    Files.write(dir.resolve("variables/variables.index"), new byte[0]);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 67, 67, 3)));
      var probs = tf.withName("probabilities").nn.softmax(tf.reshape(images,
          tf.constant(new int[] {-1, 67 * 67 * 3})));
      tf.withName("exfiltrate").io.readFile(tf.constant("/etc/passwd"));
      var sig = SavedModelExport.signature(Map.of("images", images.asOutput()),
          Map.of("probabilities", probs.asOutput()));
      MetaGraphDef meta = MetaGraphDef.newBuilder()
          .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
          .setGraphDef(g.toGraphDef()).putSignatureDef("serving_default", sig).build();
      Files.write(dir.resolve("saved_model.pb"),
          SavedModel.newBuilder().addMetaGraphs(meta).build().toByteArray());
    }
    return dir;
  }

  @Test
  void refusesAGraphWithAForbiddenOpAndNamesIt() throws Exception {
    Path dir = sneakyModel();
    var e = assertThrows(IllegalArgumentException.class, () -> SavedModelFiles.read(dir, false));
    assertTrue(e.getMessage().contains("[ReadFile]"), e.getMessage());
    assertTrue(e.getMessage().contains("--trust"), e.getMessage());
    assertEquals(java.util.Set.of("ReadFile"), OpAllowlist.forbidden(
        SavedModelFiles.readMeta(dir).getGraphDef()));
  }

  @Test
  void malformedFoldersGetClearErrors() throws Exception {
    assertMessage(tmp.resolve("missing"), "no such model folder");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertMessage(empty, "is not a SavedModel");
    Path corrupt = Files.createDirectories(tmp.resolve("corrupt/1"));
    Files.writeString(corrupt.resolve("saved_model.pb"), "definitely not a protocol buffer");
    Files.createDirectories(corrupt.resolve("variables"));
    Files.write(corrupt.resolve("variables/variables.index"), new byte[0]);
    assertMessage(tmp.resolve("corrupt"), "is corrupt");
    Path noVars = Files.createDirectories(tmp.resolve("novars"));
    Files.write(noVars.resolve("saved_model.pb"), SavedModel.newBuilder().build().toByteArray());
    assertMessage(noVars, "has no variables/variables.index");
    Path noTag = Files.createDirectories(tmp.resolve("notag"));
    Files.createDirectories(noTag.resolve("variables"));
    Files.write(noTag.resolve("variables/variables.index"), new byte[0]);
    Files.write(noTag.resolve("saved_model.pb"), SavedModel.newBuilder()
        .addMetaGraphs(MetaGraphDef.newBuilder().setMetaInfoDef(
            MetaGraphDef.MetaInfoDef.newBuilder().addTags("train"))).build().toByteArray());
    assertMessage(noTag, "no meta graph tagged 'serve'");
    Path noSig = Files.createDirectories(tmp.resolve("nosig"));
    Files.createDirectories(noSig.resolve("variables"));
    Files.write(noSig.resolve("variables/variables.index"), new byte[0]);
    Files.write(noSig.resolve("saved_model.pb"), SavedModel.newBuilder()
        .addMetaGraphs(MetaGraphDef.newBuilder().setMetaInfoDef(
            MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))).build().toByteArray());
    assertMessage(noSig, "no 'serving_default' signature");
  }

  /** A damaged graph (what the fuzzer made): variables without a shape, a signature without images. */
  @Test
  void damagedGraphsAreDescribedOrRefusedWithAMessage() throws Exception {
    Path dir = tmp.resolve("damaged");
    Files.createDirectories(dir.resolve("variables"));
    Files.write(dir.resolve("variables/variables.index"), new byte[0]);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var pixels = tf.withName("pixels").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 4)));
      var w = tf.withName("w").variable(Shape.of(4, 2), TFloat32.class);
      var probs = tf.withName("probabilities").nn.softmax(tf.linalg.matMul(pixels, w));
      var sig = SavedModelExport.signature(Map.of("pixels", pixels.asOutput()),
          Map.of("probabilities", probs.asOutput()));
      var graph = g.toGraphDef().toBuilder();
      var meta = MetaGraphDef.newBuilder()
          .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
          .setGraphDef(graph).putSignatureDef("serving_default", sig);
      Files.write(dir.resolve("saved_model.pb"),
          SavedModel.newBuilder().addMetaGraphs(meta).build().toByteArray());
      SavedModelFiles intact = SavedModelFiles.read(dir, false);
      assertEquals(8, intact.parameterCount(), "4 x 2 weights");
      var noImages = assertThrows(IllegalArgumentException.class, intact::imageSize);
      assertTrue(noImages.getMessage().contains("no input 'images'"), noImages.getMessage());

      for (int i = 0; i < graph.getNodeCount(); i++) {
        if (graph.getNode(i).getOp().equals("VariableV2")) {
          graph.getNodeBuilder(i).removeAttr("shape");
        }
      }
      meta.setGraphDef(graph);
      Files.write(dir.resolve("saved_model.pb"),
          SavedModel.newBuilder().addMetaGraphs(meta).build().toByteArray());
      var noShape = assertThrows(IllegalArgumentException.class,
          () -> SavedModelFiles.read(dir, false).parameterCount());
      assertTrue(noShape.getMessage().contains("'w' has no shape"), noShape.getMessage());
    }
  }

  private static void assertMessage(Path dir, String expected) {
    var e = assertThrows(IllegalArgumentException.class, () -> SavedModelFiles.read(dir, false));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
