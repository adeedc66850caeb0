package io.alexnet.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.LrnSettings;
import io.alexnet.onnx.proto.GraphProto;
import io.alexnet.onnx.proto.ModelProto;
import io.alexnet.onnx.proto.NodeProto;
import io.alexnet.onnx.proto.OperatorSetIdProto;
import io.alexnet.onnx.proto.TensorProto;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LocalResponseNormalization;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's LRN and ONNX's LRN with the converted constants compute the same thing, on
 * inputs large enough that alpha's share of the denominator dominates (in a trained network it
 * is small, so an error there could hide inside the end-to-end tolerance).
 */
class LrnConversionTest {
  static final int C = 12, H = 3, W = 4;

  @Test
  void paperConstants() throws Exception {
    LrnSettings paper = LrnSettings.PAPER;
    assertEquals(5, paper.size());
    assertEquals(5e-4f, paper.caffeAlpha());
    check(paper);
  }

  /** BVLC's Caffe model: k 1 and Caffe's alpha 1e-4 over 5 channels, 2e-5 on the sum here. */
  @Test
  void caffeConstants() throws Exception {
    LrnSettings bvlc = LrnSettings.caffe(5, 1e-4f, 0.75f, 1f);
    assertEquals(2e-5f, bvlc.alpha());
    assertEquals(1e-4f, bvlc.caffeAlpha());
    check(bvlc);
  }

  static void check(LrnSettings c) throws Exception {
    Random rnd = new Random(4);
    float[] nhwc = new float[H * W * C];
    for (int i = 0; i < nhwc.length; i++) {
      nhwc[i] = (float) (rnd.nextGaussian() * 150 / Math.sqrt(c.alpha() / 1e-4));
    }
    float[] tf;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops o = Ops.create(g);
      var x = o.placeholder(TFloat32.class);
      var y = o.nn.localResponseNormalization(x,
          LocalResponseNormalization.depthRadius(c.depthRadius()),
          LocalResponseNormalization.bias(c.bias()), LocalResponseNormalization.alpha(c.alpha()),
          LocalResponseNormalization.beta(c.beta()));
      try (TFloat32 in = HostTensors.of(Shape.of(1, H, W, C), nhwc);
          Result r = s.runner().feed(x, in).fetch(y).run()) {
        tf = HostTensors.floats((TFloat32) r.get(0));
      }
    }
    NodeProto lrn = NodeProto.newBuilder().setOpType("LRN").addInput("x").addOutput("y")
        .addAttribute(OnnxExport.attr("size", c.size()))
        .addAttribute(OnnxExport.attr("alpha", c.caffeAlpha()))
        .addAttribute(OnnxExport.attr("beta", c.beta()))
        .addAttribute(OnnxExport.attr("bias", c.bias())).build();
    ModelProto m = ModelProto.newBuilder().setIrVersion(OnnxExport.IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OnnxExport.OPSET))
        .setGraph(GraphProto.newBuilder().setName("lrn").addNode(lrn)
            .addInput(OnnxExport.value("x", TensorProto.DataType.FLOAT,
                new Object[] {1L, (long) C, (long) H, (long) W}, ""))
            .addOutput(OnnxExport.value("y", TensorProto.DataType.FLOAT,
                new Object[] {1L, (long) C, (long) H, (long) W}, "")))
        .build();
    float[] nchw = new float[nhwc.length];
    for (int p = 0; p < H * W; p++) {
      for (int ch = 0; ch < C; ch++) {
        nchw[ch * H * W + p] = nhwc[p * C + ch];
      }
    }
    var env = OnnxRuntimeCheck.ENV;
    double largestShare = 0;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(m.toByteArray(), opts);
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw),
            new long[] {1, C, H, W});
        OrtSession.Result r = s.run(Map.of("x", in))) {
      float[][][][] y = (float[][][][]) r.get("y").orElseThrow().getValue();
      for (int p = 0; p < H * W; p++) {
        for (int ch = 0; ch < C; ch++) {
          float want = tf[p * C + ch];
          float got = y[0][ch][p / W][p % W];
          assertEquals(want, got, 1e-5 * Math.abs(want) + 1e-6, "pixel " + p + " channel " + ch);
          // How far LRN moved this value from x / k^beta: the part alpha is responsible for.
          double plain = nhwc[p * C + ch] / Math.pow(c.bias(), c.beta());
          largestShare = Math.max(largestShare, Math.abs(1 - want / plain));
        }
      }
    }
    assertTrue(largestShare > 0.5, "alpha barely mattered: " + largestShare);
  }
}
