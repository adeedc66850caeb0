package io.alexnet.importer;

import io.alexnet.graph.LrnSettings;
import io.alexnet.importer.caffe.BlobProto;
import io.alexnet.importer.caffe.ConvolutionParameter;
import io.alexnet.importer.caffe.InnerProductParameter;
import io.alexnet.importer.caffe.LRNParameter;
import io.alexnet.importer.caffe.LayerParameter;
import io.alexnet.importer.caffe.NetParameter;
import io.alexnet.importer.caffe.PoolingParameter;
import io.alexnet.importer.caffe.V1LayerParameter;
import io.alexnet.runtime.HostArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a Caffe NetParameter ({@code .caffemodel}) into a {@link SourceNet}: the current layout
 * ({@code layer}, string types, BlobShape) or the deprecated V1 one ({@code layers}, enum types,
 * num/channels/height/width) that BVLC's published AlexNet uses.
 */
final class CaffeReader {
  private CaffeReader() {}

  /** One layer, whichever layout it came in. */
  private record Layer(String name, String type, List<BlobProto> blobs,
      ConvolutionParameter conv, InnerProductParameter ip, LRNParameter lrn,
      PoolingParameter pool) {}

  /** Whether {@code net} looks like a Caffe network at all. */
  static boolean isNet(NetParameter net) {
    return net.getLayerCount() > 0 && net.getLayerList().stream().allMatch(l -> l.hasType())
        || net.getLayersCount() > 0 && net.getLayersList().stream().allMatch(l -> l.hasType());
  }

  static SourceNet read(NetParameter net) {
    boolean v1 = net.getLayerCount() == 0;
    List<Layer> layers = new ArrayList<>();
    if (v1) {
      for (V1LayerParameter l : net.getLayersList()) {
        layers.add(new Layer(l.getName(), v1Type(l.getType()), l.getBlobsList(),
            l.getConvolutionParam(), l.getInnerProductParam(), l.getLrnParam(),
            l.getPoolingParam()));
      }
    } else {
      for (LayerParameter l : net.getLayerList()) {
        layers.add(new Layer(l.getName(), l.getType(), l.getBlobsList(), l.getConvolutionParam(),
            l.getInnerProductParam(), l.getLrnParam(), l.getPoolingParam()));
      }
    }
    List<SourceNet.Conv> convs = new ArrayList<>();
    List<LrnSettings> lrns = new ArrayList<>();
    List<SourceNet.Pool> pools = new ArrayList<>();
    List<SourceNet.Dense> dense = new ArrayList<>();
    for (Layer l : layers) {
      switch (l.type()) {
        case "Convolution" -> convs.add(conv(l));
        case "InnerProduct" -> dense.add(dense(l));
        case "LRN" -> {
          LRNParameter p = l.lrn();
          if (p.getNormRegion() != LRNParameter.NormRegion.ACROSS_CHANNELS) {
            throw new IllegalArgumentException("layer " + l.name() + ": LRN within channels;"
                + " AlexNet normalizes across channels");
          }
          lrns.add(LrnSettings.caffe(p.getLocalSize(), p.getAlpha(), p.getBeta(), p.getK()));
        }
        case "Pooling" -> {
          PoolingParameter p = l.pool();
          if (p.getPool() != PoolingParameter.PoolMethod.MAX) {
            throw new IllegalArgumentException("layer " + l.name() + ": " + p.getPool()
                + " pooling; AlexNet max-pools");
          }
          long kernel = p.getKernelSizeCount() > 0 ? p.getKernelSize(0) : p.getKernelH();
          long stride = p.getStrideCount() > 0 ? p.getStride(0)
              : p.hasStrideH() ? p.getStrideH() : 1;
          long pad = p.getPadCount() > 0 ? p.getPad(0) : p.getPadH();
          pools.add(new SourceNet.Pool(l.name(), kernel, stride, pad != 0));
        }
        default -> { } // data, ReLU, dropout, softmax, loss: nothing to carry over
      }
    }
    List<Long> input = new ArrayList<>(net.getInputDimList());
    if (input.isEmpty() && net.getInputShapeCount() > 0) {
      input.addAll(net.getInputShape(0).getDimList());
    }
    return new SourceNet(v1 ? "Caffe (V1 layers)" : "Caffe", convs, lrns, pools, dense, input,
        Map.of());
  }

  private static SourceNet.Conv conv(Layer l) {
    ConvolutionParameter p = l.conv();
    requireBlobs(l, p.getBiasTerm());
    long kernel = p.getKernelSizeCount() > 0 ? p.getKernelSize(0) : p.getKernelH();
    long stride = p.getStrideCount() > 0 ? p.getStride(0) : p.hasStrideH() ? p.getStrideH() : 1;
    long pad = p.getPadCount() > 0 ? p.getPad(0) : p.getPadH();
    HostArray w = blob(l.name(), l.blobs().get(0), 4);
    return new SourceNet.Conv(l.name(), w, blob(l.name(), l.blobs().get(1), 1), kernel, stride,
        pad, p.getGroup());
  }

  private static SourceNet.Dense dense(Layer l) {
    InnerProductParameter p = l.ip();
    requireBlobs(l, p.getBiasTerm());
    if (p.getTranspose()) {
      throw new IllegalArgumentException("layer " + l.name() + " stores its weights transposed;"
          + " AlexNet's are [outputs, inputs]");
    }
    return new SourceNet.Dense(l.name(), blob(l.name(), l.blobs().get(0), 2),
        blob(l.name(), l.blobs().get(1), 1));
  }

  private static void requireBlobs(Layer l, boolean bias) {
    if (!bias || l.blobs().size() < 2) {
      throw new IllegalArgumentException("layer " + l.name() + " has " + l.blobs().size()
          + " weight blobs; AlexNet's " + l.type() + " layers have weights and biases (is this"
          + " a deploy .prototxt rather than the trained .caffemodel?)");
    }
  }

  /**
   * A blob as an array of {@code rank} dimensions: its BlobShape, or num x channels x height x
   * width with the leading 1s an older file pads with dropped.
   */
  static HostArray blob(String layer, BlobProto b, int rank) {
    List<Long> dims = new ArrayList<>();
    if (b.hasShape()) {
      dims.addAll(b.getShape().getDimList());
    } else {
      dims.addAll(List.of(b.getNum(), b.getChannels(), b.getHeight(), b.getWidth()));
    }
    while (dims.size() > rank && dims.get(0) == 1) {
      dims.remove(0);
    }
    float[] values = new float[b.getDataCount() > 0 ? b.getDataCount() : b.getDoubleDataCount()];
    if (b.getDataCount() > 0) {
      for (int i = 0; i < values.length; i++) {
        values[i] = b.getData(i);
      }
    } else {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) b.getDoubleData(i);
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    try {
      return new HostArray(shape, values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("layer " + layer + ": blob " + dims + " holds "
          + values.length + " values (a truncated or damaged file?)");
    }
  }

  private static String v1Type(V1LayerParameter.LayerType t) {
    return switch (t) {
      case CONVOLUTION -> "Convolution";
      case INNER_PRODUCT -> "InnerProduct";
      case LRN -> "LRN";
      case POOLING -> "Pooling";
      default -> t.name();
    };
  }
}
