package io.alexnet.graph;

import java.util.Map;

/**
 * The paper's two-tower network written out in plain Java doubles, loop by loop, from the
 * paper's description alone (Section 3; docs/PAPER.md): an independent reference for the
 * TensorFlow graph's forward pass. Slow, and only for 227x227 inputs of the full paper model.
 */
final class ReferenceAlexNet {
  private final Map<String, float[]> w;

  /** {@code w}: the graph's variables by name, in TensorFlow's layouts (HWIO, [in, out]). */
  ReferenceAlexNet(Map<String, float[]> w) {
    this.w = w;
  }

  /** A feature map: h x w x c, channels last. */
  record Map3(int h, int w, int c, double[] v) {
    double at(int y, int x, int ch) {
      return v[(y * this.w + x) * c + ch];
    }
  }

  /** Logits for one pre-processed image, 227 x 227 x 3 channels last. */
  double[] logits(float[] image) {
    double[] px = new double[image.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = image[i];
    }
    Map3 in = new Map3(227, 227, 3, px);
    Map3[] t1 = new Map3[2], t2 = new Map3[2], t5 = new Map3[2];
    for (int t = 0; t < 2; t++) {
      String tower = t == 0 ? "A" : "B";
      t1[t] = pool(lrn(relu(conv(in, "conv1/" + tower, 11, 4, 0))));
      t2[t] = pool(lrn(relu(conv(t1[t], "conv2/" + tower, 5, 1, 2))));
    }
    Map3 both2 = join(t2[0], t2[1]); // conv3 sees both towers' maps
    Map3[] t3 = new Map3[2];
    for (int t = 0; t < 2; t++) {
      String tower = t == 0 ? "A" : "B";
      t3[t] = relu(conv(both2, "conv3/" + tower, 3, 1, 1));
    }
    for (int t = 0; t < 2; t++) {
      String tower = t == 0 ? "A" : "B";
      Map3 c4 = relu(conv(t3[t], "conv4/" + tower, 3, 1, 1));
      t5[t] = pool(relu(conv(c4, "conv5/" + tower, 3, 1, 1)));
    }
    double[] flat = join(t5[0], t5[1]).v(); // rows, columns, channels
    double[] f6 = concat(relu(dense(flat, "fc6/A")), relu(dense(flat, "fc6/B")));
    double[] f7 = concat(relu(dense(f6, "fc7/A")), relu(dense(f6, "fc7/B")));
    return dense(f7, "fc8");
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private Map3 conv(Map3 x, String layer, int k, int stride, int pad) {
    float[] kernel = w.get(layer + "/weights");
    float[] bias = w.get(layer + "/biases");
    int out = bias.length;
    int oh = (x.h() + 2 * pad - k) / stride + 1, ow = (x.w() + 2 * pad - k) / stride + 1;
    double[] y = new double[oh * ow * out];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        double[] acc = new double[out];
        for (int o = 0; o < out; o++) {
          acc[o] = bias[o];
        }
        for (int ky = 0; ky < k; ky++) {
          int iy = oy * stride + ky - pad;
          if (iy < 0 || iy >= x.h()) {
            continue;
          }
          for (int kx = 0; kx < k; kx++) {
            int ix = ox * stride + kx - pad;
            if (ix < 0 || ix >= x.w()) {
              continue;
            }
            for (int c = 0; c < x.c(); c++) {
              double v = x.at(iy, ix, c);
              int base = ((ky * k + kx) * x.c() + c) * out;
              for (int o = 0; o < out; o++) {
                acc[o] += v * kernel[base + o];
              }
            }
          }
        }
        System.arraycopy(acc, 0, y, (oy * ow + ox) * out, out);
      }
    }
    return new Map3(oh, ow, out, y);
  }

  private static Map3 relu(Map3 x) {
    return new Map3(x.h(), x.w(), x.c(), relu(x.v()));
  }

  private static double[] relu(double[] v) {
    double[] y = v.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0, y[i]);
    }
    return y;
  }

  /** Section 3.3 with k = 2, n = 5, alpha = 1e-4 (on the sum), beta = 0.75. */
  private static Map3 lrn(Map3 x) {
    double[] y = new double[x.v().length];
    int c = x.c();
    for (int p = 0; p < x.h() * x.w(); p++) {
      for (int i = 0; i < c; i++) {
        double sum = 0;
        for (int j = Math.max(0, i - 2); j <= Math.min(c - 1, i + 2); j++) {
          double a = x.v()[p * c + j];
          sum += a * a;
        }
        y[p * c + i] = x.v()[p * c + i] / Math.pow(2 + 1e-4 * sum, 0.75);
      }
    }
    return new Map3(x.h(), x.w(), c, y);
  }

  /** Section 3.4: 3x3 windows, stride 2, no padding. */
  private static Map3 pool(Map3 x) {
    int oh = (x.h() - 3) / 2 + 1, ow = (x.w() - 3) / 2 + 1;
    double[] y = new double[oh * ow * x.c()];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        for (int ch = 0; ch < x.c(); ch++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) {
              m = Math.max(m, x.at(oy * 2 + dy, ox * 2 + dx, ch));
            }
          }
          y[(oy * ow + ox) * x.c() + ch] = m;
        }
      }
    }
    return new Map3(oh, ow, x.c(), y);
  }

  /** Two towers' maps side by side in the channels, tower A's first. */
  private static Map3 join(Map3 a, Map3 b) {
    int c = a.c() + b.c();
    double[] y = new double[a.h() * a.w() * c];
    for (int p = 0; p < a.h() * a.w(); p++) {
      System.arraycopy(a.v(), p * a.c(), y, p * c, a.c());
      System.arraycopy(b.v(), p * b.c(), y, p * c + a.c(), b.c());
    }
    return new Map3(a.h(), a.w(), c, y);
  }

  private double[] dense(double[] x, String layer) {
    float[] m = w.get(layer + "/weights");
    float[] bias = w.get(layer + "/biases");
    int out = bias.length;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      y[o] = bias[o];
    }
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      if (v == 0) {
        continue;
      }
      for (int o = 0; o < out; o++) {
        y[o] += v * m[i * out + o];
      }
    }
    return y;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] y = new double[a.length + b.length];
    System.arraycopy(a, 0, y, 0, a.length);
    System.arraycopy(b, 0, y, a.length, b.length);
    return y;
  }
}
