package io.alexnet.graph;

/** Which AlexNet: the paper's two-tower net, or the same layer sizes on one device. */
public enum Variant {
  /**
   * Section 3.2 and Figure 2: two towers (one per GPU), conv2, conv4 and conv5 grouped so each
   * tower sees only its own maps, the towers exchanging activations at conv3 and the fully
   * connected layers.
   */
  PAPER(2),
  /** The same layer sizes with no groups and no towers: every kernel sees every map below it. */
  ONE_TOWER(1);

  private final int towers;

  Variant(int towers) {
    this.towers = towers;
  }

  /** Number of towers, which is also the number of groups in conv2, conv4 and conv5. */
  public int towers() {
    return towers;
  }

  /** Parses {@code paper} or {@code one-tower} (case-insensitive, '_' or '-'). */
  public static Variant parse(String s) {
    String k = s.trim().toUpperCase().replace('-', '_');
    for (Variant v : values()) {
      if (v.name().equals(k)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown variant '" + s + "': expected 'paper' or 'one-tower'");
  }

  public String label() {
    return name().toLowerCase().replace('_', '-');
  }
}
