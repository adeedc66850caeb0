package io.alexnet.graph;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.types.family.TFloating;

/**
 * The ReLU that ends a convolution layer, differentiated from its output: relu(x) > 0 exactly
 * where x > 0, so ReluGrad may read either. TensorFlow's registered gradient reads the input (the
 * BiasAdd's output), and that second reader stops the remapper from fusing convolution, bias and
 * ReLU into one oneDNN kernel, which costs a separate pass over every convolution's output.
 */
public record ConvRelu(int stage, Output<? extends TFloating> input,
    Output<? extends TFloating> output) implements HandGradient {

  @Override
  public String kind() {
    return "relu";
  }

  @Override
  @SuppressWarnings("unchecked")
  public Output<?> inputGradient(Graph graph, Output<?> upstream, String scope) {
    return besideForward(graph, scope).nn.reluGrad((Operand<TFloating>) upstream,
        (Operand<TFloating>) output).asOutput();
  }
}
