package io.alexnet.spark;

import java.io.Serializable;

/**
 * One image of a Spark evaluation, as its Parquet output holds it: the image, its label, the
 * five most probable classes with their probabilities, and whether it counts as a top-1 and a
 * top-5 hit, decided as eval decides them (ties count as top-5 hits). An image that could not
 * be read has its reason in {@code error} and no scores; the summary counts it as skipped.
 * A Java bean, as Spark's encoders want it.
 */
public final class ScoredImage implements Serializable {
  private static final long serialVersionUID = 1L;

  private String path;
  private int label = -1;
  private int[] top5Ids = new int[0];
  private float[] top5Probabilities = new float[0];
  private int predicted = -1;
  private boolean top1;
  private boolean top5;
  private String error;

  /** @return the image's name: its file, or its place in the data set */
  public String getPath() {
    return path;
  }

  /** @param path the image's name */
  public void setPath(String path) {
    this.path = path;
  }

  /** @return its label (-1 when it could not be read) */
  public int getLabel() {
    return label;
  }

  /** @param label its label */
  public void setLabel(int label) {
    this.label = label;
  }

  /** @return the most probable classes, best first */
  public int[] getTop5Ids() {
    return top5Ids;
  }

  /** @param ids the most probable classes, best first */
  public void setTop5Ids(int[] ids) {
    this.top5Ids = ids;
  }

  /** @return their probabilities */
  public float[] getTop5Probabilities() {
    return top5Probabilities;
  }

  /** @param p their probabilities */
  public void setTop5Probabilities(float[] p) {
    this.top5Probabilities = p;
  }

  /** @return the most probable class (the first of equals), -1 when unread */
  public int getPredicted() {
    return predicted;
  }

  /** @param predicted the most probable class */
  public void setPredicted(int predicted) {
    this.predicted = predicted;
  }

  /** @return whether the most probable class is the label */
  public boolean isTop1() {
    return top1;
  }

  /** @param top1 whether the most probable class is the label */
  public void setTop1(boolean top1) {
    this.top1 = top1;
  }

  /** @return whether fewer than five classes are more probable than the label */
  public boolean isTop5() {
    return top5;
  }

  /** @param top5 whether the label is among the five most probable */
  public void setTop5(boolean top5) {
    this.top5 = top5;
  }

  /** @return why the image could not be read, or null */
  public String getError() {
    return error;
  }

  /** @param error why the image could not be read */
  public void setError(String error) {
    this.error = error;
  }
}
