package io.alexnet.graph;

import java.util.List;

/**
 * One row of the model summary.
 *
 * @param name layer name, e.g. {@code conv2} or {@code pool2}
 * @param outputShape per-example output shape, both towers together, e.g. [27, 27, 256]
 * @param params trainable parameters of the layer (read from the graph's variables)
 * @param multiplyAdds multiply-adds per example
 * @param devices device of each tower's part of the layer
 */
public record LayerRow(
    String name, List<Long> outputShape, long params, long multiplyAdds, List<String> devices) {}
