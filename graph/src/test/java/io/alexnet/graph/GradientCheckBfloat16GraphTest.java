package io.alexnet.graph;

import io.alexnet.runtime.Arithmetic;

/**
 * {@link GradientCheckTest}'s checks for the graph built for bfloat16 sessions, whose conv1
 * reads a zero-padded fourth channel: run here in float64 without any rewrite, so the pads'
 * gradients are checked exactly.
 */
class GradientCheckBfloat16GraphTest extends GradientCheckTest {
  @Override
  ModelConfig config() {
    return super.config().withArithmetic(Arithmetic.BFLOAT16);
  }
}
