package io.alexnet.importer;

import io.alexnet.graph.LayerSizes;
import io.alexnet.graph.LrnSettings;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import io.alexnet.graph.WeightInit;
import io.alexnet.runtime.HostArray;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.OnnxLayout;
import io.alexnet.onnx.TrainedWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SourceNet} checked against AlexNet and converted to this project's network: the
 * model's configuration and its variables by TensorFlow name, in TensorFlow's layouts.
 *
 * <p>Caffe's and ONNX's {@code group: 2} are the paper's two towers: the first half of a
 * layer's output channels is tower A, and so is the first half of a grouped layer's inputs.
 * conv1 and conv3 are ungrouped; their towers are the halves of their outputs.
 *
 * @param notes what a user should know about the file (its declared input size, say)
 */
public record ImportedModel(ModelConfig model, TrainedWeights weights, SourceNet source,
    List<String> notes) {

  private static final String[] CONVS = {"conv1", "conv2", "conv3", "conv4", "conv5"};
  private static final String[] DENSE = {"fc6", "fc7", "fc8"};
  /** Per conv layer: kernel, stride, padding and whether it is grouped (Section 3.5). */
  private static final long[][] CONV_SHAPE = {
      {11, 4, 0, 0}, {5, 1, 2, 1}, {3, 1, 1, 0}, {3, 1, 1, 1}, {3, 1, 1, 1}};

  public static ImportedModel of(SourceNet net) {
    if (net.convs().isEmpty()) {
      throw new IllegalArgumentException("not an AlexNet: the file has no convolution layers");
    }
    requireCount(net, net.convs().size() == 5, "convolution", net.convs().size(), 5);
    requireCount(net, net.dense().size() == 3, "fully connected", net.dense().size(), 3);
    requireCount(net, net.lrns().size() == 2, "LRN", net.lrns().size(), 2);
    requireCount(net, net.pools().size() == 3, "max-pooling", net.pools().size(), 3);
    List<String> notes = new ArrayList<>();

    long groups = net.convs().get(1).group();
    if (groups != 1 && groups != 2) {
      throw new IllegalArgumentException("conv2 has " + groups + " groups; AlexNet has 2 (two"
          + " towers) or 1");
    }
    int towers = (int) groups;
    int conv1Out = net.convs().get(0).weights().dim(0);
    double width = conv1Out / 96.0;
    LayerSizes sizes = LayerSizes.of(width, towers);
    int[] outs = outs(conv1Out, towers);
    int in = 3;
    for (int i = 0; i < 5; i++) {
      SourceNet.Conv c = net.convs().get(i);
      long group = CONV_SHAPE[i][3] == 1 ? towers : 1;
      long k = CONV_SHAPE[i][0];
      long[] want = {outs[i], in / group, k, k};
      if (!Arrays.equals(c.weights().shape(), want) || c.bias().values().length != outs[i]) {
        throw new IllegalArgumentException(CONVS[i] + " (" + c.name() + ") has weights "
            + Arrays.toString(c.weights().shape()) + "; AlexNet's are " + Arrays.toString(want)
            + " [out, in, height, width] with " + outs[i] + " biases");
      }
      if (c.kernel() != k || c.stride() != CONV_SHAPE[i][1] || c.pad() != CONV_SHAPE[i][2]
          || c.group() != group) {
        throw new IllegalArgumentException(CONVS[i] + " (" + c.name() + ") has kernel "
            + c.kernel() + ", stride " + c.stride() + ", padding " + c.pad() + ", " + c.group()
            + " group(s); AlexNet's has " + k + ", " + CONV_SHAPE[i][1] + ", "
            + CONV_SHAPE[i][2] + ", " + group);
      }
      in = outs[i];
    }
    for (SourceNet.Pool p : net.pools()) {
      if (p.kernel() != 3 || p.stride() != 2) {
        throw new IllegalArgumentException("pooling layer " + p.name() + " is " + p.kernel()
            + "x" + p.kernel() + " stride " + p.stride() + "; AlexNet's overlapping pools are"
            + " 3x3 stride 2 (Section 3.4)");
      }
    }
    if (net.pools().stream().anyMatch(SourceNet.Pool::padded)) {
      notes.add("the file pads its pooling (or rounds up) to imitate Caffe at another input"
          + " size; at 227x227 Caffe's and TensorFlow's pooling agree without it, and the import"
          + " runs at 227x227");
    }

    int pool5Channels = outs[4];
    int fc6In = net.dense().get(0).weights().dim(1);
    int side = (int) Math.round(Math.sqrt((double) fc6In / pool5Channels));
    if (side * side * pool5Channels != fc6In) {
      throw new IllegalArgumentException("fc6 (" + net.dense().get(0).name() + ") reads "
          + fc6In + " inputs, which is no square grid of conv5's " + pool5Channels + " maps");
    }
    // This project's exports say their size; other files get the paper's 227 for a 6x6 grid.
    String declared = net.metadata().get(OnnxExport.META_IMAGE_SIZE);
    int imageSize = declared != null && declared.matches("\\d{2,4}")
        && LayerSizes.spatial(Integer.parseInt(declared)).pool5() == side
        ? Integer.parseInt(declared) : imageSizeFor(side);
    if (!net.declaredInput().isEmpty()) {
      List<Long> d = net.declaredInput();
      long h = d.get(d.size() - 2);
      if (h > 0 && h != imageSize) {
        notes.add("the file declares a " + h + "x" + d.get(d.size() - 1) + " input, but its"
            + " weights were trained for " + imageSize + "x" + imageSize + " (fc6 reads a "
            + side + "x" + side + " pool5 grid); imported to run at " + imageSize + "x"
            + imageSize);
      }
    }
    int[] fcOut = {sizes.fc6(), sizes.fc7(), -1};
    int fcIn = fc6In;
    for (int i = 0; i < 3; i++) {
      SourceNet.Dense d = net.dense().get(i);
      int out = i == 2 ? d.weights().dim(0) : fcOut[i];
      long[] want = {out, fcIn};
      if (d.weights().rank() != 2 || !Arrays.equals(d.weights().shape(), want)
          || d.bias().values().length != out) {
        throw new IllegalArgumentException(DENSE[i] + " (" + d.name() + ") has weights "
            + Arrays.toString(d.weights().shape()) + "; AlexNet's are " + Arrays.toString(want)
            + " [outputs, inputs] with " + out + " biases");
      }
      fcIn = out;
    }
    int classes = fcIn;
    LrnSettings lrn = net.lrns().get(0);
    if (!lrn.equals(net.lrns().get(1))) {
      throw new IllegalArgumentException("the two LRN layers differ (" + lrn + "; "
          + net.lrns().get(1) + "); this network takes one setting for both");
    }

    ModelConfig model = ModelConfig.builder()
        .variant(towers == 2 ? Variant.PAPER : Variant.ONE_TOWER)
        .classes(classes).imageSize(imageSize).width(width)
        // Only a re-initialized fc8 (fine-tuning on other classes) is ever drawn; BVLC's
        // recipe: N(0, 0.01) weights, 0.1 for the hidden layers' biases.
        .init(WeightInit.PAPER).hiddenBias(0.1)
        .lrn(towers == 2 ? lrn : lrn.withAcrossTowers(false))
        .build();
    return new ImportedModel(model, weights(net, towers, pool5Channels), net, notes);
  }

  /** The variables by TensorFlow name ({@code conv2/B/weights}, {@code fc8/biases}, ...). */
  private static TrainedWeights weights(SourceNet net, int towers, int pool5Channels) {
    Map<String, HostArray> vars = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      SourceNet.Conv c = net.convs().get(i);
      put(vars, CONVS[i], towers, OnnxLayout.kernelHwioTowers(c.weights(), towers),
          OnnxLayout.split(c.bias(), towers));
    }
    for (int i = 0; i < 3; i++) {
      SourceNet.Dense d = net.dense().get(i);
      int t = i == 2 ? 1 : towers;
      put(vars, DENSE[i], t, OnnxLayout.denseTowers(d.weights(), t, i == 0 ? pool5Channels : 0),
          OnnxLayout.split(d.bias(), t));
    }
    return new TrainedWeights(vars, Map.of());
  }

  private static void put(Map<String, HostArray> vars, String layer, int towers,
      List<HostArray> w, List<HostArray> b) {
    for (int t = 0; t < towers; t++) {
      String prefix = layer + (towers == 1 ? "" : "/" + (char) ('A' + t));
      vars.put(prefix + "/weights", w.get(t));
      vars.put(prefix + "/biases", b.get(t));
    }
  }

  /**
   * The input size whose VALID convolutions and 3/2 pools leave a {@code pool5} x {@code pool5}
   * grid, the smallest of the sizes that do: 6 gives the paper's 227.
   */
  static int imageSizeFor(int pool5) {
    int conv2 = 2 * (2 * pool5 + 1) + 1; // conv2's map = pool1's output
    int conv1 = 2 * conv2 + 1; // conv1's map, 11x11 kernels at stride 4 over the image
    return 4 * (conv1 - 1) + 11;
  }

  /**
   * The counts of each kind must be AlexNet's. Where convolutions are missing, the first whose
   * shape differs from AlexNet's next one is named, so the error says which layer is absent.
   */
  private static void requireCount(SourceNet net, boolean ok, String kind, int got, int want) {
    if (ok) {
      return;
    }
    String which = "";
    if (kind.equals("convolution") && got < want) {
      long towers = got > 1 ? net.convs().get(1).group() : 1;
      int[] outs = outs(net.convs().get(0).weights().dim(0), towers);
      int in = 3;
      for (int i = 0; i < want; i++) {
        long group = CONV_SHAPE[i][3] == 1 ? towers : 1;
        long[] shape = {outs[i], in / group, CONV_SHAPE[i][0], CONV_SHAPE[i][0]};
        if (i >= got || !Arrays.equals(net.convs().get(i).weights().shape(), shape)) {
          which = ": there is no " + CONVS[i] + " (" + Arrays.toString(shape) + ")";
          break;
        }
        in = outs[i];
      }
    }
    throw new IllegalArgumentException("not an AlexNet: the file has " + got + " " + kind
        + " layers, AlexNet has " + want + which);
  }

  private static int[] outs(int conv1Out, long towers) {
    LayerSizes s = LayerSizes.of(conv1Out / 96.0, (int) Math.max(1, Math.min(2, towers)));
    return new int[] {s.conv1(), s.conv2(), s.conv3(), s.conv4(), s.conv5()};
  }
}
