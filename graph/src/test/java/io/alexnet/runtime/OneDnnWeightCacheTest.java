package io.alexnet.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OneDnnWeightCacheTest {

  @Test
  void readsTheVariableAsTensorflowDoesAndTrainingRefusesIt() {
    assertFalse(OneDnnWeightCache.on(Map.of()));
    assertFalse(OneDnnWeightCache.on(Map.of(OneDnnWeightCache.VARIABLE, "0")));
    assertFalse(OneDnnWeightCache.on(Map.of(OneDnnWeightCache.VARIABLE, "false")));
    assertTrue(OneDnnWeightCache.on(Map.of(OneDnnWeightCache.VARIABLE, "1")));
    assertTrue(OneDnnWeightCache.on(Map.of(OneDnnWeightCache.VARIABLE, "True")));

    OneDnnWeightCache.refuseForTraining(Map.of(OneDnnWeightCache.VARIABLE, "0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OneDnnWeightCache.refuseForTraining(Map.of(OneDnnWeightCache.VARIABLE, "1")));
    assertTrue(e.getMessage().contains("unset it for training"), e.getMessage());
  }
}
