package io.alexnet.graph;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.RawTensor;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * An inference graph with its variables turned into constants that hold a session's current
 * values: the way to let oneDNN keep filters in its own layout between batches instead of
 * reordering them from variables each time. Measured here (BENCHMARKS.md, "Batch
 * evaluation"), it did not pay: no faster per batch, and slower to start. It stays for {@code
 * bench --weights constants}, so the measurement can be repeated on other machines; eval,
 * predict and exports run variables.
 */
public final class FrozenWeights {
  private FrozenWeights() {}

  /**
   * A new graph holding the ops that {@code outputs} (op names) depend on, with every variable
   * among them a constant of its value in {@code session}. Op names are kept, so the caller
   * finds its inputs and outputs by the same names. The caller closes the graph.
   */
  public static Graph freeze(Graph graph, Session session, Collection<String> outputs) {
    GraphDef def = graph.toGraphDef();
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      byName.put(n.getName(), n);
    }
    Set<String> needed = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(outputs);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = byName.get(name);
      if (n == null) {
        throw new IllegalArgumentException("no op named " + name + " in the graph");
      }
      if (!needed.add(name)) {
        continue;
      }
      for (String in : n.getInputList()) {
        todo.push(opOf(in));
      }
    }
    GraphDef.Builder out = GraphDef.newBuilder().setVersions(def.getVersions())
        .setLibrary(def.getLibrary());
    // Nodes in their original order: every input still comes before its consumer.
    for (NodeDef n : def.getNodeList()) {
      if (!needed.contains(n.getName())) {
        continue;
      }
      out.addNode(n.getOp().equals("VariableV2") ? constant(n, session) : n);
    }
    Graph frozen = new Graph();
    try {
      frozen.importGraphDef(out.build());
    } catch (RuntimeException e) {
      frozen.close();
      throw e;
    }
    return frozen;
  }

  /** "name:1" and "^name" (a control input) both name the op "name". */
  private static String opOf(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  private static NodeDef constant(NodeDef variable, Session session) {
    try (Result r = session.runner().fetch(variable.getName()).run()) {
      RawTensor t = r.get(0).asRawTensor();
      byte[] bytes = new byte[(int) t.numBytes()];
      t.data().read(bytes);
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (long d : t.shape().asArray()) {
        shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      }
      TensorProto value = TensorProto.newBuilder().setDtype(t.dataType()).setTensorShape(shape)
          .setTensorContent(com.google.protobuf.ByteString.copyFrom(bytes)).build();
      return NodeDef.newBuilder().setName(variable.getName()).setOp("Const")
          .setDevice(variable.getDevice())
          .putAttr("dtype", AttrValue.newBuilder().setType(t.dataType()).build())
          .putAttr("value", AttrValue.newBuilder().setTensor(value).build()).build();
    }
  }
}
