package io.alexnet.api;

/**
 * One of a model's top guesses for an image.
 *
 * @param classId the class index (the row of labels.txt)
 * @param label its name
 * @param probability the softmax probability
 */
public record Prediction(int classId, String label, float probability) {}
