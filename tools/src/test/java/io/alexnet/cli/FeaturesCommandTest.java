package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.alexnet.api.Model;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.data.Synthetic;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.TensorProto;
import io.alexnet.onnx.proto.TypeProto;
import io.alexnet.onnx.proto.ValueInfoProto;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * features: fc7 rows equal what ONNX Runtime computes at the same layer of the exported model,
 * in a file NumPy's format describes; bad images are skipped, and the names line up.
 */
class FeaturesCommandTest {
  @TempDir Path tmp;

  /** A parsed .npy file, read by the format's rules (not by the writer's code). */
  record Npy(long rows, int columns, float[] values) {}

  static Npy readNpy(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    assertEquals((byte) 0x93, b[0]);
    assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, b[6]);
    int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
    assertEquals(0, (10 + len) % 64, "data must start 64-byte aligned");
    String header = new String(b, 10, len, StandardCharsets.US_ASCII);
    assertTrue(header.endsWith("\n"), header);
    assertTrue(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"),
        header);
    Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
    assertTrue(m.find(), header);
    long rows = Long.parseLong(m.group(1));
    int cols = Integer.parseInt(m.group(2));
    assertEquals(10 + len + rows * cols * 4, b.length);
    float[] v = new float[(int) (rows * cols)];
    ByteBuffer.wrap(b, 10 + len, v.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
        .get(v);
    return new Npy(rows, cols, v);
  }

  @Test
  void fc7RowsMatchOnnxRuntimeAndBadImagesAreSkipped() throws Exception {
    RunDir run = TinyRun.create(tmp, 1);
    // A class folder of PNGs, with one file that is not an image.
    Path data = tmp.resolve("images");
    int[] labels = new int[6];
    byte[][] gray = Synthetic.images(6, 4, labels);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Path dir = data.resolve("class" + labels[i]);
      Files.createDirectories(dir);
      Path f = dir.resolve("img" + i + ".png");
      Files.write(f, Synthetic.encode(gray[i], 28, 28, i % 2 == 0, "png"));
      files.add(f);
    }
    Files.writeString(data.resolve("class0").resolve("broken.png"), "not a png");

    Path out = tmp.resolve("fc7.npy");
    String[] r = cli("features", "--model", run.dir().toString(), "--layer", "fc7", "--data",
        data.toString(), "--out", out.toString(), "--batch", "4", "--precision", "float32");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("wrote 6 rows") && r[1].contains("1 unreadable"), r[1]);
    Npy npy = readNpy(out);
    assertEquals(6, npy.rows());
    List<String> names = Files.readAllLines(tmp.resolve("fc7.npy.tsv"));
    assertEquals(7, names.size());
    assertFalse(names.stream().anyMatch(n -> n.contains("broken")));

    // The reference: ONNX Runtime on the exported model, with fc7's ReLU as an extra output.
    Path onnx = tmp.resolve("model.onnx");
    try (Model trained = Model.load(run.dir())) {
      trained.exportOnnx(onnx);
    }
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(onnx));
    m = m.toBuilder().setGraph(m.getGraph().toBuilder().addOutput(ValueInfoProto.newBuilder()
        .setName("relu7").setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor
            .newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))))).build();
    Preprocessor pre = run.preprocessor();
    int s = pre.crop();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(m.toByteArray(), o)) {
      for (int row = 0; row < 6; row++) {
        String name = names.get(row + 1).split("\t")[0];
        String label = names.get(row + 1).split("\t")[1];
        Path file = data.resolve(name);
        assertEquals(file.getParent().getFileName().toString(), label);
        float[] nhwc = new float[s * s * 3];
        pre.cropInto(pre.canvas(RgbImage.decode(Files.readAllBytes(file))), pre.centre(),
            pre.centre(), false, null, nhwc, 0);
        float[] nchw = new float[nhwc.length];
        for (int p = 0; p < s * s; p++) {
          for (int c = 0; c < 3; c++) {
            nchw[c * s * s + p] = nhwc[p * 3 + c];
          }
        }
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw),
                new long[] {1, 3, s, s});
            OrtSession.Result res = session.run(Map.of(OnnxExport.INPUT, x))) {
          float[] want = ((float[][]) res.get("relu7").orElseThrow().getValue())[0];
          assertEquals(want.length, npy.columns());
          for (int c = 0; c < want.length; c++) {
            float got = npy.values()[row * npy.columns() + c];
            assertEquals(want[c], got, 1e-4 + 1e-4 * Math.abs(want[c]), name + " unit " + c);
          }
        }
      }
    }

    // The same rows as CSV, name and label first.
    Path csv = tmp.resolve("fc7.csv");
    r = cli("features", "--model", run.dir().toString(), "--data", data.toString(), "--out",
        csv.toString());
    assertEquals("0", r[0], r[1] + r[2]);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(7, lines.size());
    String[] first = lines.get(1).split(",");
    assertEquals(names.get(1).split("\t")[0], first[0]);
    assertEquals(npy.values()[5], Float.parseFloat(first[2 + 5]));

    // similar: an index image asked about finds itself first, at distance 0, then the image
    // nearest to it in the rows features wrote.
    String self = names.get(1).split("\t")[0];
    r = cli("similar", "--model", run.dir().toString(), "--index", data.toString(), "--query",
        data.resolve(self).toString(), "--k", "2");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("  1. " + self), r[1]);
    assertTrue(r[1].matches("(?s).*  1\\. \\S+\\s+distance 0\\.000.*"), r[1]);
    int cols = npy.columns();
    double bestD = Double.MAX_VALUE;
    String bestName = null;
    for (int row = 1; row < 6; row++) {
      double d = 0;
      for (int c = 0; c < cols; c++) {
        double t = npy.values()[c] - npy.values()[row * cols + c];
        d += t * t;
      }
      if (Math.sqrt(d) < bestD) {
        bestD = Math.sqrt(d);
        bestName = names.get(row + 1).split("\t")[0];
      }
    }
    assertTrue(r[1].contains("  2. " + bestName), bestName + " expected second:\n" + r[1]);

    String[] again = cli("features", "--model", run.dir().toString(), "--data",
        data.toString(), "--out", out.toString());
    assertEquals("2", again[0]);
    assertTrue(again[2].contains("already exists"), again[2]);
  }
}
