package io.alexnet.spark;

import java.io.Serializable;

/** One image's features, as a Spark features job's Parquet output holds them (a Java bean). */
public final class FeatureRow implements Serializable {
  private static final long serialVersionUID = 1L;

  private String path;
  private int label = -1;
  private float[] values = new float[0];

  /** @return the image's name: its file, or its place in the data set */
  public String getPath() {
    return path;
  }

  /** @param path the image's name */
  public void setPath(String path) {
    this.path = path;
  }

  /** @return its label (-1 where the data has none) */
  public int getLabel() {
    return label;
  }

  /** @param label its label */
  public void setLabel(int label) {
    this.label = label;
  }

  /** @return the layer's activations, the towers' maps joined, flattened */
  public float[] getValues() {
    return values;
  }

  /** @param values the layer's activations */
  public void setValues(float[] values) {
    this.values = values;
  }
}
