package io.alexnet.api;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Synthetic;
import io.alexnet.inference.SavedModelExport;
import io.alexnet.inference.SavedModelFiles;
import io.alexnet.io.Json;
import io.alexnet.io.JsonText;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.train.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;

/**
 * The TensorFlow Serving request docs/export.md shows: built here as the docs' shell line
 * builds it, checked against the exported signature, and answered as the server answers it.
 */
class ServingRequestTest {
  @TempDir Path tmp;

  @Test
  void theDocumentedClassifyRequestFitsTheSignatureAndAnswersAsPredictDoes() throws Exception {
    Path run = TinyRun.create(tmp, 1).dir();
    List<Path> files = new ArrayList<>();
    byte[][] images = Synthetic.images(2, 9, new int[2]);
    for (int i = 0; i < images.length; i++) {
      Path f = tmp.resolve(i + ".png");
      Files.write(f, Synthetic.encode(images[i], 28, 28, true, "png"));
      files.add(f);
    }
    List<Json> strings = Json.list();
    for (Path f : files) {
      strings.add(new Json().put("b64", Base64.getEncoder().encodeToString(
          Files.readAllBytes(f))));
    }
    String body = new Json().put("signature_name", SavedModelExport.CLASSIFY)
        .put("inputs", new Json().put(SavedModelExport.IMAGE_BYTES, strings)).toString();
    String docs = Files.readString(Path.of("..", "docs", "export.md"));
    assertTrue(docs.contains("{\"signature_name\": \"" + SavedModelExport.CLASSIFY
        + "\", \"inputs\": {\"" + SavedModelExport.IMAGE_BYTES + "\": [{\"b64\": \"%s\"}]}}"),
        "docs/export.md shows another request");

    try (Model m = Model.loader(run).session(SessionOptions.FLOAT32).load()) {
      Path saved = m.exportSavedModel(tmp.resolve("model"), 1);
      SignatureDef sig = SavedModelFiles.read(saved, false).signature(SavedModelExport.CLASSIFY);
      @SuppressWarnings("unchecked")
      Map<String, Object> request = (Map<String, Object>) JsonText.parse(body);
      @SuppressWarnings("unchecked")
      Map<String, Object> inputs = (Map<String, Object>) request.get("inputs");
      assertEquals(sig.getInputsMap().keySet(), inputs.keySet());
      assertEquals(DataType.DT_STRING, sig.getInputsMap().get(SavedModelExport.IMAGE_BYTES)
          .getDtype());
      assertEquals(-1, sig.getInputsMap().get(SavedModelExport.IMAGE_BYTES).getTensorShape()
          .getDim(0).getSize());
      assertTrue(sig.getOutputsMap().keySet().containsAll(List.of(
          SavedModelExport.PROBABILITIES, SavedModelExport.TOP5)), sig.toString());

      // What the server does with it: each {"b64": ...} decoded into one string of the batch.
      List<byte[]> decoded = new ArrayList<>();
      for (Object o : (List<?>) inputs.get(SavedModelExport.IMAGE_BYTES)) {
        decoded.add(Base64.getDecoder().decode((String) ((Map<?, ?>) o).get("b64")));
      }
      try (Model served = Model.loader(saved).session(SessionOptions.FLOAT32).load()) {
        float[] p = served.classify(decoded);
        int classes = m.config().classes();
        for (int i = 0; i < files.size(); i++) {
          List<Prediction> expected = m.predict(files.get(i), 1);
          int best = 0;
          for (int c = 1; c < classes; c++) {
            best = p[i * classes + c] > p[i * classes + best] ? c : best;
          }
          assertEquals(expected.get(0).classId(), best);
          assertEquals(expected.get(0).probability(), p[i * classes + best], 1e-4);
        }
      }
    }
  }
}
