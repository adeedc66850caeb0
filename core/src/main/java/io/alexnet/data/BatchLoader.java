package io.alexnet.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes, pre-processes and augments batches on worker threads, ahead of the training step,
 * and hands them out in order. Each example's randomness comes from (seed, epoch, position), so
 * a batch is the same whichever thread made it: runs and resumed runs are reproducible.
 */
public final class BatchLoader implements AutoCloseable {

  /**
   * Images NHWC [size, crop, crop, 3] ([size * 10, ...] with ten patches each), labels, and the
   * dataset index of each; bad examples were left out.
   */
  public record Batch(float[] images, int[] labels, int[] indices, int size, int bad,
      List<String> problems) {}

  private final Dataset data;
  private final Preprocessor pre;
  private final Augmentation aug;
  private final int batchSize;
  private final int[] order;
  private final long seed;
  private final int epoch;
  private final ExecutorService pool;
  private final Deque<Future<Batch>> ahead = new ArrayDeque<>();
  private final int batches;
  private final int patches;
  private int nextToSubmit;
  private int nextToTake;

  /**
   * An evaluation pass: every example once, in order, central crops, {@code workers} decoding
   * threads.
   */
  public static BatchLoader evaluation(Dataset data, Preprocessor pre, int batchSize,
      int workers) {
    return builder(data, pre).batchSize(batchSize).workers(workers).build();
  }

  /** A loader over {@code data}: by default an evaluation pass in batches of 128. */
  public static Builder builder(Dataset data, Preprocessor pre) {
    return new Builder(data, pre);
  }

  /** The settings of a pass; an epoch of training sets its order, seed, epoch and augmentation. */
  public static final class Builder {
    private final Dataset data;
    private final Preprocessor pre;
    private Augmentation aug = Augmentation.NONE;
    private int batchSize = 128;
    private int[] order;
    private long seed;
    private int epoch;
    private int firstBatch;
    private int workers = 2;
    private int prefetch = -1;
    private boolean tenPatches;

    private Builder(Dataset data, Preprocessor pre) {
      this.data = data;
      this.pre = pre;
    }

    public Builder augmentation(Augmentation a) {
      aug = a;
      return this;
    }

    public Builder batchSize(int n) {
      batchSize = n;
      return this;
    }

    /** Example indices in the order of this pass (default: all, in order). */
    public Builder order(int[] o) {
      order = o;
      return this;
    }

    /** What, with each example's position, draws its crop, flip and colour shift. */
    public Builder seed(long s, int epochNumber) {
      seed = s;
      epoch = epochNumber;
      return this;
    }

    /** The batch to start at (a resumed run starts mid-epoch). */
    public Builder firstBatch(int b) {
      firstBatch = b;
      return this;
    }

    /** Decoding threads; twice as many batches are kept in flight unless {@link #prefetch}. */
    public Builder workers(int n) {
      workers = n;
      return this;
    }

    public Builder prefetch(int n) {
      prefetch = n;
      return this;
    }

    /** Each example as its ten test-time patches ({@link Preprocessor#tenPatches}). */
    public Builder tenPatches() {
      tenPatches = true;
      return this;
    }

    public BatchLoader build() {
      return new BatchLoader(data, pre, aug, batchSize, order != null ? order
          : inOrder(data.size()), seed, epoch, firstBatch, workers,
          prefetch > 0 ? prefetch : 2 * workers, tenPatches ? 10 : 1);
    }
  }

  private BatchLoader(Dataset data, Preprocessor pre, Augmentation aug, int batchSize,
      int[] order, long seed, int epoch, int firstBatch, int workers, int prefetch,
      int patches) {
    this.patches = patches;
    this.data = data;
    this.pre = pre;
    this.aug = aug;
    this.batchSize = batchSize;
    this.order = order;
    this.seed = seed;
    this.epoch = epoch;
    this.batches = (order.length + batchSize - 1) / batchSize;
    this.nextToSubmit = firstBatch;
    this.nextToTake = firstBatch;
    this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
      Thread t = new Thread(r, "batch-loader");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < Math.max(1, prefetch); i++) {
      submitNext();
    }
  }

  /** A shuffled order of {@code n} indices for an epoch, the same for the same seed and epoch. */
  public static int[] shuffled(int n, long seed, int epoch) {
    List<Integer> idx = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new Random(seed * 1_000_003L + epoch));
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }

  /** 0..n-1 in order (evaluation). */
  public static int[] inOrder(int n) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    return o;
  }

  public int batches() {
    return batches;
  }

  public boolean hasNext() {
    return nextToTake < batches;
  }

  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Future<Batch> f = ahead.poll();
    submitNext();
    nextToTake++;
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading data", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("data loading failed: " + e.getCause(), e.getCause());
    }
  }

  private void submitNext() {
    if (nextToSubmit < batches) {
      int b = nextToSubmit++;
      ahead.add(pool.submit(() -> make(b)));
    }
  }

  private Batch make(int b) {
    int from = b * batchSize, to = Math.min(order.length, from + batchSize);
    int crop = pre.crop();
    int per = crop * crop * 3 * patches;
    float[] images = new float[(to - from) * per];
    int[] labels = new int[to - from];
    int[] indices = new int[to - from];
    List<String> problems = new ArrayList<>();
    int n = 0, bad = 0;
    for (int k = from; k < to; k++) {
      Example ex;
      try {
        ex = data.get(order[k]);
      } catch (BadExampleException | RuntimeException e) {
        bad++;
        if (problems.size() < 3) {
          problems.add(e.getMessage());
        }
        continue;
      }
      if (patches == 1 && !aug.randomCrop() && !aug.flip() && aug.pca() == null) {
        // Evaluation: only the central crop, computed straight into the batch.
        pre.centralCropInto(ex.image(), images, n * per);
        indices[n] = order[k];
        labels[n++] = ex.label();
        continue;
      }
      float[] canvas = pre.canvas(ex.image());
      if (patches == 10) {
        pre.tenPatches(canvas, images, n * per);
        indices[n] = order[k];
        labels[n++] = ex.label();
        continue;
      }
      Random rnd = new Random(mix(seed, epoch, k));
      int span = pre.canvas() - crop;
      int x0 = aug.randomCrop() ? rnd.nextInt(span + 1) : pre.centre();
      int y0 = aug.randomCrop() ? rnd.nextInt(span + 1) : pre.centre();
      boolean flip = aug.flip() && rnd.nextBoolean();
      float[] shift = aug.pca() != null ? aug.pca().sample(rnd) : null;
      pre.cropInto(canvas, x0, y0, flip, shift, images, n * per);
      indices[n] = order[k];
      labels[n++] = ex.label();
    }
    if (n < labels.length) {
      images = java.util.Arrays.copyOf(images, n * per);
      labels = java.util.Arrays.copyOf(labels, n);
      indices = java.util.Arrays.copyOf(indices, n);
    }
    return new Batch(images, labels, indices, n, bad, problems);
  }

  private static long mix(long seed, int epoch, int position) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + position;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
