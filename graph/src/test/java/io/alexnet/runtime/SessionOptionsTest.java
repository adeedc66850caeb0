package io.alexnet.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

class SessionOptionsTest {

  @Test
  void float32SetsNoRewriteSoTheGraphRunsAsBuilt() {
    ConfigProto c = new SessionOptions(2, 1, 3, Precision.FLOAT32).configProto();
    // Field by field what sessions ran with before precision existed.
    ConfigProto.Builder before = ConfigProto.newBuilder().setAllowSoftPlacement(true)
        .setIntraOpParallelismThreads(2).setInterOpParallelismThreads(1)
        .putDeviceCount("CPU", 3);
    before.getGpuOptionsBuilder().setAllowGrowth(true);
    assertEquals(before.build(), c);
    assertFalse(c.hasGraphOptions());
  }

  @Test
  void eachMixedArithmeticTurnsOnItsOneRewrite() {
    SessionOptions o = SessionOptions.DEFAULT;
    RewriterConfig bf16 = o.configProto(Arithmetic.BFLOAT16).getGraphOptions()
        .getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.ON, bf16.getAutoMixedPrecisionOnednnBfloat16());
    assertEquals(RewriterConfig.Toggle.DEFAULT, bf16.getAutoMixedPrecision());
    RewriterConfig gpu = o.configProto(Arithmetic.FLOAT16).getGraphOptions().getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.ON, gpu.getAutoMixedPrecision());
    assertEquals(RewriterConfig.Toggle.DEFAULT, gpu.getAutoMixedPrecisionOnednnBfloat16());
    RewriterConfig emulated = o.configProto(Arithmetic.FLOAT16_CPU_EMULATION).getGraphOptions()
        .getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.ON, emulated.getAutoMixedPrecisionCpu());
  }

  @Test
  void refusesImpossibleCounts() {
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.DEFAULT.withThreads(-1));
    assertThrows(IllegalArgumentException.class,
        () -> SessionOptions.DEFAULT.withVirtualCpus(0));
  }
}
