package io.alexnet.data;

import java.util.List;

/** Some of another dataset's examples, by index. */
public final class Subset implements Dataset {
  private final Dataset base;
  private final int[] indices;
  private final String name;

  public Subset(Dataset base, int[] indices, String name) {
    this.base = base;
    this.indices = indices.clone();
    this.name = name;
  }

  /** The first {@code n} examples (all if n <= 0 or n >= size). */
  public static Dataset first(Dataset d, int n) {
    if (n <= 0 || n >= d.size()) {
      return d;
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return new Subset(d, idx, "first " + n);
  }

  /**
   * Shard {@code index} of {@code count}: examples index, index + count, ... The shards cover
   * the set once; their sizes differ by at most one ({@link #first} trims them to equal sizes).
   */
  public static Dataset shard(Dataset d, int index, int count) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist"
          + " (shards are 0.." + (count - 1) + ")");
    }
    if (count == 1) {
      return d;
    }
    int n = (d.size() - index + count - 1) / count;
    int[] idx = new int[Math.max(0, n)];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = index + i * count;
    }
    return new Subset(d, idx, "shard " + index + " of " + count);
  }

  /**
   * Splits off every k-th example, k = round(1 / fraction), as a held-out set: {train, held out}.
   * Deterministic, and it spreads over the whole set whatever its order.
   */
  public static Dataset[] holdOut(Dataset d, double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    int k = Math.max(2, (int) Math.round(1 / fraction));
    int[] held = new int[(d.size() + k - 1) / k];
    int[] kept = new int[d.size() - held.length];
    int h = 0, t = 0;
    for (int i = 0; i < d.size(); i++) {
      if (i % k == 0) {
        held[h++] = i;
      } else {
        kept[t++] = i;
      }
    }
    return new Dataset[] {new Subset(d, kept, "training part"), new Subset(d, held, "held out")};
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public Example get(int index) throws BadExampleException {
    return base.get(indices[index]);
  }

  @Override
  public int badAtOpen() {
    return base.badAtOpen();
  }

  @Override
  public String name(int index) {
    return base.name(indices[index]);
  }

  @Override
  public String describe() {
    return base.describe() + " (" + name + ": " + indices.length + ")";
  }
}
