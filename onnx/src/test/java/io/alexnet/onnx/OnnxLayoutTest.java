package io.alexnet.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.alexnet.runtime.HostArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The importer's layouts undo the exporter's, and both put each value where its index formula
 * says (the end-to-end checks against ONNX Runtime are in {@link OnnxExportTest}).
 */
class OnnxLayoutTest {
  static HostArray random(Random rnd, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextFloat();
    }
    return new HostArray(shape, v);
  }

  @Test
  void kernelsAndVectorsRoundTripThroughOnnxLayout() {
    Random rnd = new Random(1);
    List<HostArray> towers = List.of(random(rnd, 3, 5, 4, 6), random(rnd, 3, 5, 4, 6));
    HostArray oihw = OnnxLayout.kernelOihw(towers);
    assertArrayEquals(new long[] {12, 4, 3, 5}, oihw.shape());
    // Tower B's output 2, input 1, row 2, column 4.
    assertEquals(towers.get(1).values()[((2 * 5 + 4) * 4 + 1) * 6 + 2],
        oihw.values()[(((6 + 2) * 4 + 1) * 3 + 2) * 5 + 4]);
    List<HostArray> back = OnnxLayout.kernelHwioTowers(oihw, 2);
    for (int t = 0; t < 2; t++) {
      assertArrayEquals(towers.get(t).shape(), back.get(t).shape());
      assertArrayEquals(towers.get(t).values(), back.get(t).values());
    }
    List<HostArray> biases = List.of(random(rnd, 6), random(rnd, 6));
    List<HostArray> split = OnnxLayout.split(OnnxLayout.concat(biases), 2);
    assertArrayEquals(biases.get(1).values(), split.get(1).values());
  }

  @Test
  void denseRowsFollowOnnxsChannelRowColumnOrderAndRoundTrip() {
    Random rnd = new Random(2);
    int channels = 4, side = 3, in = channels * side * side;
    List<HostArray> towers = List.of(random(rnd, in, 5), random(rnd, in, 5));
    HostArray outIn = OnnxLayout.denseOutIn(towers, channels);
    assertArrayEquals(new long[] {10, in}, outIn.shape());
    // Output 7 (tower B's 2) from channel 3, row 1, column 2: ONNX column 3*9 + 1*3 + 2,
    // TensorFlow row (1*3 + 2)*4 + 3.
    assertEquals(towers.get(1).values()[((1 * 3 + 2) * 4 + 3) * 5 + 2],
        outIn.values()[7 * in + 3 * 9 + 1 * 3 + 2]);
    List<HostArray> back = OnnxLayout.denseTowers(outIn, 2, channels);
    for (int t = 0; t < 2; t++) {
      assertArrayEquals(towers.get(t).values(), back.get(t).values());
    }
    List<HostArray> plain = OnnxLayout.denseTowers(OnnxLayout.denseOutIn(towers, 0), 2, 0);
    assertArrayEquals(towers.get(0).values(), plain.get(0).values());
  }
}
