package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Augmentation;
import io.alexnet.graph.WeightInit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The named recipes hold the numbers their documentation gives. */
class RecipeTest {

  @Test
  void paperIsSectionFive() {
    Recipe p = Recipe.PAPER;
    assertEquals(WeightInit.PAPER, p.init());
    assertEquals(1.0, p.hiddenBias());
    assertFalse(p.unitVariance());
    assertEquals(Augmentation.Choice.PAPER, p.augmentation());
    TrainConfig l = p.loop();
    assertEquals(128, l.batchSize());
    assertEquals(0.9, l.momentum());
    assertEquals(0.0005, l.weightDecay());
    assertEquals(0.01, l.learningRate());
    assertEquals(List.of(), l.milestones()); // divided on a plateau ...
    assertEquals(3, l.maxCuts()); // ... at most three times
    assertEquals(90, l.epochs());
  }

  @Test
  void theDefaultChangesOnlyTheStartOfThePapersRecipe() {
    assertEquals(Recipe.PAPER.toBuilder().name("default").init(WeightInit.HE).hiddenBias(0.1)
        .unitVariance(true).build(), Recipe.DEFAULT);
    assertEquals(0.001, Recipe.FINE_TUNE.loop().learningRate());
    assertEquals(Recipe.FINE_TUNE, Recipe.defaultFor(true));
    assertEquals(Recipe.DEFAULT, Recipe.defaultFor(false));
  }

  @Test
  void quickstartIsAFewPassesOverFewImages() {
    Recipe q = Recipe.QUICKSTART;
    assertEquals(4096, q.limit());
    assertEquals(500, q.validationLimit());
    assertEquals(3, q.loop().epochs());
    assertEquals(List.of(2), q.loop().milestones());
    assertEquals(Augmentation.Choice.NONE, q.augmentation());
  }

  @Test
  void namesFindRecipesAndPropertiesRecordThem() {
    for (String n : Recipe.names()) {
      assertEquals(n, Recipe.named(n.toUpperCase()).name());
    }
    assertEquals("4,6", Recipe.DEFAULT.toBuilder().milestones(List.of(4, 6)).build()
        .properties().get("recipe.schedule"));
    assertEquals("crops flips pca", Recipe.DEFAULT.properties().get("recipe.augmentation"));
    assertThrows(IllegalArgumentException.class, () -> Recipe.named("fast"));
  }
}
