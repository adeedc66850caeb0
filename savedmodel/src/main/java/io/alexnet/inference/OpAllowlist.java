package io.alexnet.inference;

import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The ops an AlexNet inference graph needs. A SavedModel is a program: one that reads or writes
 * files, starts processes or talks to the network should not run just because it was loaded.
 * SaveV2/RestoreV2 are allowed only as the saver's own ops (under {@code save/}), which is how
 * the loader restores the variables.
 */
public final class OpAllowlist {
  private OpAllowlist() {}

  static final Set<String> ALLOWED = Set.of(
      // graph plumbing and variables
      "Const", "Placeholder", "PlaceholderWithDefault", "Identity", "NoOp", "VariableV2",
      "Assign", "Fill", "ZerosLike", "OnesLike", "Shape", "Reshape", "ExpandDims", "Squeeze",
      "ConcatV2", "Split", "Pack", "Slice", "StridedSlice", "ReverseV2", "Cast", "Select",
      "SelectV2",
      // the network
      "Conv2D", "BiasAdd", "Relu", "LRN", "MaxPool", "MaxPoolV2", "MatMul", "Softmax",
      "LogSoftmax", "TopKV2", "OneHot",
      // arithmetic (LRN written out: Square, Rsqrt and Sqrt, or Pow for another beta)
      "Add", "AddV2", "Sub", "Mul", "Div", "RealDiv", "FloorDiv", "Floor", "Round", "Neg",
      "Maximum", "Minimum", "Min", "Max", "Sum", "Mean", "Square", "Rsqrt", "Sqrt", "Pow",
      // initializers and dropout (present in the graph, not run by serving)
      "RandomStandardNormal", "RandomUniform", "StatelessRandomUniform",
      "StatelessRandomUniformV2", "StatelessRandomGetKeyCounterAlg",
      // image decoding for classify_images
      "DecodeImage", "DecodeJpeg", "DecodePng", "DecodeBmp", "DecodeGif", "ResizeBilinear",
      "MapDefun");

  static final Set<String> SAVER_ONLY = Set.of("SaveV2", "RestoreV2");

  /** Op types in the graph (and its functions) that an AlexNet inference graph has no use for. */
  public static Set<String> forbidden(GraphDef g) {
    Set<String> bad = new TreeSet<>();
    for (NodeDef n : g.getNodeList()) {
      check(n, bad, true);
    }
    for (FunctionDef f : g.getLibrary().getFunctionList()) {
      for (NodeDef n : f.getNodeDefList()) {
        check(n, bad, false);
      }
    }
    return bad;
  }

  private static void check(NodeDef n, Set<String> bad, boolean topLevel) {
    String op = n.getOp();
    if (ALLOWED.contains(op)) {
      return;
    }
    if (SAVER_ONLY.contains(op) && topLevel && n.getName().startsWith("save/")) {
      return;
    }
    bad.add(op);
  }
}
