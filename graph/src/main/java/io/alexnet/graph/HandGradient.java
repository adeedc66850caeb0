package io.alexnet.graph;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;

/**
 * A layer whose backward step the network writes itself instead of taking TensorFlow's
 * registered gradient: LRN (TensorFlow's is wrong for the paper's constants, and slow) and the
 * ReLU after each convolution (TensorFlow's reads the ReLU's input, which keeps oneDNN from
 * fusing convolution, bias and ReLU). {@link LrnAwareGradients} cuts the backward pass at these
 * layers and joins the pieces with {@link #inputGradient}.
 */
public interface HandGradient {

  /**
   * How many hand-differentiated layers lie below this one: the backward pass handles stage s
   * after every layer and variable of the stages above it.
   */
  int stage();

  /** Where the upstream gradient arrives. */
  Output<?> output();

  /** Where TensorFlow's graph gradients take over below this layer. */
  Output<?> input();

  /** Short name for the scope of the backward ops, e.g. {@code lrn}. */
  String kind();

  /** The gradient at {@link #input()} given {@code upstream}, the gradient at {@link #output()}. */
  Output<?> inputGradient(Graph graph, Output<?> upstream, String scope);

  /** Ops under {@code scope} on the device this layer's forward op runs on. */
  default Ops besideForward(Graph graph, String scope) {
    GraphOperation forward = (GraphOperation) output().op();
    return Ops.create(graph).withDevice(DevicePlan.spec(forward.device())).withSubScope(scope);
  }
}
