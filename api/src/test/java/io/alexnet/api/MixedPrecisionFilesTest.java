package io.alexnet.api;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Synthetic;
import io.alexnet.inference.SavedModelFiles;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Param;
import io.alexnet.onnx.OnnxModelInfo;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Machine;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.RunDir;
import io.alexnet.train.History;
import io.alexnet.train.Recipe;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * A run trained in mixed precision writes the files a float32 run writes: its checkpoints
 * resume in float32, its variables are float32, and its SavedModel and ONNX file hold no
 * 16-bit type anywhere.
 */
class MixedPrecisionFilesTest {
  @TempDir Path tmp;

  @Test
  void aMixedRunWritesFloat32FilesThatLoadAnywhere() throws Exception {
    Assumptions.assumeTrue(Machine.current().arithmetic(Precision.AUTO) == Arithmetic.BFLOAT16,
        "no native bfloat16 here: " + Machine.current().describe());
    Path idx = tmp.resolve("idx");
    int[] labels = new int[64];
    Synthetic.writeIdx(idx, "train", Synthetic.images(64, 1, labels), labels, true);
    Dataset data = FashionMnist.open(idx, FashionMnist.Split.TRAIN);
    Path run = tmp.resolve("run");
    ModelConfig small = ModelConfig.builder().classes(10).width(0.125).imageSize(67).build();
    Recipe recipe = Recipe.DEFAULT.toBuilder().epochs(1).batchSize(16).statsImages(0).build();
    SessionOptions mixed = SessionOptions.DEFAULT.withPrecision(Precision.MIXED);
    Training.fit(FitOptions.builder(data, run).model(small).recipe(recipe).session(mixed)
        .build());
    assertEquals("mixed", new RunDir(run).properties().getProperty(RunDir.PRECISION));

    // The whole training state, momentum and learning rate too, restores into the float32
    // training graph: a resume in float32 goes on from it.
    Training.Prepared more = Training.prepare(FitOptions.builder(data, run).model(small)
        .recipe(recipe.toBuilder().epochs(2).build()).session(SessionOptions.FLOAT32)
        .resume(true).build());
    assertEquals("float32 (as asked; the run trained in mixed so far)", more.precision());
    assertEquals(History.Outcome.COMPLETED, more.fit().history().outcome());
    assertEquals("float32", new RunDir(run).properties().getProperty(RunDir.PRECISION));

    try (Model opened = Model.loader(run).session(mixed).load()) {
      assertEquals(Arithmetic.BFLOAT16, opened.arithmetic());
      for (Param p : opened.params()) {
        opened.variable(p.name()); // refuses anything but float32
      }
      Path saved = opened.exportSavedModel(tmp.resolve("model"), 1);
      SavedModelFiles files = SavedModelFiles.read(saved, false);
      for (String name : files.signatureNames()) {
        SignatureDef s = files.signature(name);
        for (TensorInfo t : s.getOutputsMap().values()) {
          assertTrue(t.getDtype() == DataType.DT_FLOAT || t.getDtype() == DataType.DT_INT32,
              name + ": " + t);
        }
        for (TensorInfo t : s.getInputsMap().values()) {
          assertTrue(t.getDtype() == DataType.DT_FLOAT || t.getDtype() == DataType.DT_STRING,
              name + ": " + t);
        }
      }
      for (NodeDef n : files.meta().getGraphDef().getNodeList()) {
        assertFalse(n.toString().contains("DT_BFLOAT16") || n.toString().contains("DT_HALF"),
            n.getName());
        assertFalse(n.getOp().equals("Pad") || n.getOp().equals("PadV2"),
            "the export is the float32 graph: " + n.getName());
      }
      try (Model served = Model.loader(saved).session(SessionOptions.FLOAT32).load()) {
        assertEquals(Arithmetic.FLOAT32, served.arithmetic());
      }
      Path onnx = opened.exportOnnx(tmp.resolve("model.onnx"));
      OnnxModelInfo info = OnnxModelInfo.read(onnx);
      info.inputs().forEach(v -> assertEquals("float32", v.type(), v.toString()));
      assertEquals("float32", info.outputs().get(0).type(), info.outputs().toString());
    }
  }
}
