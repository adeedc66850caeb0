package io.alexnet.data;

/** One labelled image. */
public record Example(RgbImage image, int label) {}
