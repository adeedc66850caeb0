package io.alexnet.fuzz;

import io.alexnet.data.Synthetic;
import io.alexnet.data.TfRecords;
import io.alexnet.importer.BvlcFiles;
import io.alexnet.store.Checkpoints;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.EvalShard;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the seed corpus the fuzz targets start from: valid files of every format, made by
 * this project's own writers and the test helpers, plus the three hostile headers the issue
 * names (an IDX file claiming 2^31 images, a TFRecord length of 2^60, a PNG claiming
 * 100000x100000 pixels). Findings the fuzzer saves go beside them. Run it again only when a
 * format changes:
 *
 * <pre>
 * mvn -q -pl fuzz -am install -DskipTests
 * mvn -q -pl fuzz dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/classpath
 * java -cp "fuzz/target/test-classes:$(cat fuzz/target/classpath)" io.alexnet.fuzz.SeedCorpus \
 *     fuzz/src/test/resources/io/alexnet/fuzz
 * </pre>
 */
public final class SeedCorpus {
  private SeedCorpus() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path tmp = Files.createTempDirectory("alexnet-seeds");

    int[] labels = new int[4];
    byte[][] images = Synthetic.images(4, 7, labels);
    Synthetic.writeIdx(tmp.resolve("idx"), "t10k", images, labels, false);
    byte[] idxImages = Files.readAllBytes(tmp.resolve("idx/t10k-images-idx3-ubyte"));
    byte[] idxLabels = Files.readAllBytes(tmp.resolve("idx/t10k-labels-idx1-ubyte"));
    Path idx = seeds(root, "IdxFuzzTest", "idx");
    Files.write(idx.resolve("plain"), Parts.join(new byte[] {0}, idxLabels, idxImages));
    Files.write(idx.resolve("gzip"), Parts.join(new byte[] {1}, idxLabels, idxImages));
    ByteBuffer huge = ByteBuffer.allocate(16).putInt(0x803).putInt(Integer.MAX_VALUE)
        .putInt(28).putInt(28);
    Files.write(idx.resolve("claims-2pow31-images"),
        Parts.join(new byte[] {0}, idxLabels, huge.array()));

    byte[] png = Synthetic.encode(images[0], 28, 28, true, "png");
    byte[] grayPng = Synthetic.encode(images[1], 28, 28, false, "png");
    byte[] jpg = Synthetic.encode(images[2], 28, 28, true, "jpg");
    byte[] bmp = Synthetic.encode(images[3], 28, 28, true, "bmp");
    byte[] gif = Synthetic.encode(images[3], 28, 28, true, "gif");
    Path image = seeds(root, "ImageFuzzTest", "image");
    Files.write(image.resolve("rgb.png"), png);
    Files.write(image.resolve("gray.png"), grayPng);
    Files.write(image.resolve("rgb.jpg"), jpg);
    Files.write(image.resolve("rgb.bmp"), bmp);
    Files.write(image.resolve("rgb.gif"), gif);
    Files.write(image.resolve("claims-100000x100000.png"), Synthetic.pngHeader(100_000, 100_000));

    Path example = seeds(root, "ExampleFuzzTest", "example");
    Files.write(example.resolve("png"), Synthetic.example(png, 3));
    Files.write(example.resolve("jpg"), Synthetic.example(jpg, 1000));

    Path tfrecord = seeds(root, "TfRecordFuzzTest", "tfrecord");
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    TfRecords.write(records, Synthetic.example(png, 3));
    TfRecords.write(records, Synthetic.example(jpg, 5));
    Files.write(tfrecord.resolve("two-records"), records.toByteArray());
    ByteBuffer header = ByteBuffer.allocate(TfRecords.HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(1L << 60).putInt(TfRecords.maskedCrc(header.array(), 0, 8));
    Files.write(tfrecord.resolve("length-2pow60"), header.array());

    Files.writeString(seeds(root, "ClusterSpecFuzzTest", "cluster").resolve("two-workers"),
        "worker 1\nps=localhost:2222\nworker=localhost:2223,127.0.0.1:2224");

    Path shard = seeds(root, "EvalShardFuzzTest", "shard").resolve("shard-1-of-2");
    new EvalShard(1, 2, 10, "runs/m", "fashion-mnist", List.of("a", "b"),
        EvalResult.of(5, 1, 4, new long[][] {{2, 1}, {0, 2}}, 1.5)).save(shard);

    RunDir run = TinyRun.create(tmp.resolve("tiny"), 1);
    Path ckpt = new Checkpoints(run.checkpoints(), 1).latest().orElseThrow();
    Files.write(seeds(root, "RunFilesFuzzTest", "runFiles").resolve("tiny-run"),
        Parts.join(Files.readAllBytes(run.dir().resolve(RunDir.PROPERTIES)),
            Files.readAllBytes(ckpt.resolve(Checkpoints.STATE)),
            Files.readAllBytes(run.stats())));
    Path model = SavedModelFuzzTest.exportTinyModel(tmp.resolve("export"));
    Files.copy(model.resolve("saved_model.pb"),
        seeds(root, "SavedModelFuzzTest", "savedModel").resolve("tiny-model.pb"));

    Path files = seeds(root, "ModelFileFuzzTest", "modelFile");
    BvlcFiles narrow = new BvlcFiles(1 / 32.0, 4, 11);
    narrow.writeCaffe(files.resolve("caffe-v1.caffemodel"), true);
    narrow.writeCaffe(files.resolve("caffe.caffemodel"), false);
    narrow.writeOnnx(files.resolve("opset9.onnx"), 9, 227);
  }

  private static Path seeds(Path root, String target, String method) throws IOException {
    return Files.createDirectories(root.resolve(target + "Inputs").resolve(method));
  }
}
