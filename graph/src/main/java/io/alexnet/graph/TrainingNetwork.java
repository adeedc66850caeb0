package io.alexnet.graph;

import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * What the training loop needs of a network: one {@link AlexNet}, or several replicas of it
 * sharing variables ({@link ReplicatedAlexNet}). Both use the same tensor names.
 */
public interface TrainingNetwork {
  Output<TFloating> images();

  Output<TInt32> labels();

  Output<TBool> training();

  Output<TInt64> dropoutSeed();

  Output<TFloating> loss();

  Output<TFloating> probabilities();

  /** Trainable variables, each once. */
  List<Param> params();

  /**
   * Adds the ops of d loss / d params to the graph and returns them, in {@link #params()}
   * order, correct through LRN. Each call adds another copy: call it once.
   */
  default List<Output<?>> addGradients() {
    return addGradients(null);
  }

  /**
   * The same, each multiplied by {@code seed}, a scalar of the network's type (a loss scale:
   * d (seed loss) / d params); null for 1.
   */
  List<Output<?>> addGradients(Output<?> seed);
}
