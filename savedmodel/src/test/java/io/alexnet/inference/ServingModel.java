package io.alexnet.inference;

import io.alexnet.runtime.SessionOptions;
import io.alexnet.runtime.HostTensors;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * An exported SavedModel run as TensorFlow Serving runs it: loaded by TensorFlow's own
 * SavedModelBundle and fed through its signatures' tensor names. The tests' independent check
 * of what an export wrote (the product opens models through the api's Model).
 */
public final class ServingModel implements AutoCloseable {

  /** Probabilities [n, classes] and top-5 class ids [n, 5], row-major. */
  public record Prediction(int n, int classes, float[] probabilities, int[] top5) {}

  private final SavedModelFiles files;
  private final SavedModelBundle bundle;

  private ServingModel(SavedModelFiles files, SavedModelBundle bundle) {
    this.files = files;
    this.bundle = bundle;
  }

  /** Exports checkpoint {@code ckpt} of {@code run} as the api's Model does it. */
  public static Path export(RunDir run, Path ckpt, Path modelDir, int version)
      throws IOException {
    try (InferenceNetwork net = InferenceNetwork.restore(run.model(), run.preprocessor(),
        ckpt,
        SessionOptions.FLOAT32)) {
      return SavedModelExport.export(net, run, modelDir, version);
    }
  }

  /** Checks {@code path} as the product does, then loads it with SavedModelBundle. */
  public static ServingModel load(Path path) throws IOException {
    SavedModelFiles files = SavedModelFiles.read(path, false);
    return new ServingModel(files,
        SavedModelBundle.load(files.dir().toString(), SavedModelExport.TAG));
  }

  public SavedModelFiles files() {
    return files;
  }

  /** The loaded model's session, for reading its variables; closed with this model. */
  public Session session() {
    return bundle.session();
  }

  /** serving_default on pre-processed images, NHWC float [n, size, size, 3]. */
  public Prediction predict(float[] images, int n) {
    int s = files.imageSize();
    SignatureDef sig = files.signature(SavedModelExport.SERVING_DEFAULT);
    try (TFloat32 x = HostTensors.of(Shape.of(n, s, s, 3), images)) {
      return run(sig, sig.getInputsOrThrow(SavedModelExport.IMAGES).getName(), x, n);
    }
  }

  /** classify_images on encoded image files. */
  public Prediction classify(List<byte[]> encoded) {
    SignatureDef sig = files.signature(SavedModelExport.CLASSIFY);
    var nd = NdArrays.vectorOfObjects(encoded.toArray(new byte[0][]));
    try (TString x = TString.tensorOfBytes(nd)) {
      return run(sig, sig.getInputsOrThrow(SavedModelExport.IMAGE_BYTES).getName(), x,
          encoded.size());
    }
  }

  private Prediction run(SignatureDef sig, String input, org.tensorflow.Tensor x, int n) {
    try (Result r = bundle.session().runner().feed(input, x)
        .fetch(sig.getOutputsOrThrow(SavedModelExport.PROBABILITIES).getName())
        .fetch(sig.getOutputsOrThrow(SavedModelExport.TOP5).getName()).run()) {
      float[] p = HostTensors.floats((TFloat32) r.get(0));
      int[] top = HostTensors.ints((TInt32) r.get(1));
      return new Prediction(n, n == 0 ? 0 : p.length / n, p, top);
    }
  }

  @Override
  public void close() {
    bundle.close();
  }
}
