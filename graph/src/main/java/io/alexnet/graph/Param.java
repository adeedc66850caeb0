package io.alexnet.graph;

import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/**
 * A trainable variable of the network.
 *
 * @param name the variable's op name in the graph, e.g. {@code conv2/B/weights}; checkpoints
 *     and SavedModels key on it
 * @param layer the summary row it belongs to, e.g. {@code conv2}
 * @param variable the VariableV2 op (a ref variable: the kind TF Java's SavedModel export saves)
 * @param stage how many hand-differentiated layers ({@link HandGradient}) lie between the input
 *     and this variable; the backward pass works through the stages from the top
 */
public record Param(String name, String layer, Variable<? extends TFloating> variable, int stage) {

  public Shape shape() {
    return variable.shape();
  }

  public long size() {
    return variable.shape().size();
  }

  public Output<? extends TFloating> output() {
    return variable.asOutput();
  }
}
