package io.alexnet.graph;

/**
 * {@link GradientCheckTest}'s checks for an imported Caffe model's LRN: BVLC's constants (k 1,
 * alpha 1e-4 over 5 channels), one window over both towers' maps joined.
 */
class GradientCheckAcrossTowersTest extends GradientCheckTest {
  @Override
  ModelConfig config() {
    return super.config().toBuilder().lrn(LrnSettings.caffe(5, 1e-4f, 0.75f, 1f)).build();
  }
}
