package io.alexnet.inference;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A C program on TensorFlow's C API loads the export and agrees with Java. */
class CClientTest {
  @TempDir Path tmp;

  @Test
  void cClientLoadsTheSavedModelAndMatchesJava() throws Exception {
    RunDir run = TinyRun.create(tmp, 1);
    Path model = ServingModel.export(run,
        new Checkpoints(run.checkpoints(), 3).latest().orElseThrow(), tmp.resolve("model"), 3);
    Path exe = CClient.build(tmp.resolve("c"));
    int batch = 3, size = TinyRun.SIZE;
    CClient.Output c = CClient.run(exe, model, batch, size);
    assertTrue(c.tensorflowVersion().startsWith("2."), c.tensorflowVersion());
    assertEquals(batch, c.probabilities().size());
    try (ServingModel m = ServingModel.load(model)) {
      ServingModel.Prediction java = m.predict(CClient.input(batch, size), batch);
      for (int n = 0; n < batch; n++) {
        for (int k = 0; k < 10; k++) {
          assertEquals(java.probabilities()[n * 10 + k], c.probabilities().get(n)[k], 1e-5f);
        }
        assertEquals(java.top5()[n * 5], c.top5().get(n)[0]);
      }
    }
  }
}
