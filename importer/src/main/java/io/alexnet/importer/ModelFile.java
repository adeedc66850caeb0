package io.alexnet.importer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.alexnet.importer.caffe.NetParameter;
import io.alexnet.onnx.proto.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a published model file, recognised by its content rather than its name: an ONNX
 * ModelProto or a Caffe NetParameter.
 */
public final class ModelFile {
  private ModelFile() {}

  public static SourceNet read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    byte[] bytes = Files.readAllBytes(file);
    String onnxProblem;
    try {
      ModelProto m = ModelProto.parseFrom(coded(bytes));
      if (OnnxReader.isModel(m)) {
        return OnnxReader.read(m);
      }
      onnxProblem = "no IR version or graph";
    } catch (InvalidProtocolBufferException e) {
      onnxProblem = e.getMessage();
    }
    String caffeProblem;
    try {
      NetParameter net = NetParameter.parseFrom(coded(bytes));
      if (CaffeReader.isNet(net)) {
        return CaffeReader.read(net);
      }
      caffeProblem = "no layers";
    } catch (InvalidProtocolBufferException e) {
      caffeProblem = e.getMessage();
    }
    throw new IllegalArgumentException(file + " is neither an ONNX model (" + onnxProblem
        + ") nor a Caffe .caffemodel (" + caffeProblem + "); a truncated download looks like"
        + " this too");
  }

  static CodedInputStream coded(byte[] bytes) {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.setSizeLimit(Integer.MAX_VALUE); // a whole AlexNet is about 240 MB
    return in;
  }
}
