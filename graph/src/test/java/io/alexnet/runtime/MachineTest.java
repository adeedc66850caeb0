package io.alexnet.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a precision becomes on machines with and without bfloat16, oneDNN and GPUs. */
class MachineTest {
  static final Machine BF16 = new Machine(Set.of("avx512_bf16"), true, 0);
  static final Machine BF16_NO_ONEDNN = new Machine(Set.of("avx512_bf16"), false, 0);
  static final Machine OLD_CPU = new Machine(Set.of(), true, 0);
  static final Machine GPU = new Machine(Set.of(), false, 1);

  @Test
  void autoIsMixedOnlyWhereItIsNative() {
    assertEquals(Arithmetic.BFLOAT16, BF16.arithmetic(Precision.AUTO));
    assertEquals(Arithmetic.FLOAT32, BF16_NO_ONEDNN.arithmetic(Precision.AUTO));
    assertEquals(Arithmetic.FLOAT32, OLD_CPU.arithmetic(Precision.AUTO));
    assertEquals(Arithmetic.FLOAT16, GPU.arithmetic(Precision.AUTO));
  }

  @Test
  void float32IsFloat32Everywhere() {
    for (Machine m : new Machine[] {BF16, BF16_NO_ONEDNN, OLD_CPU, GPU}) {
      assertEquals(Arithmetic.FLOAT32, m.arithmetic(Precision.FLOAT32));
    }
  }

  @Test
  void mixedWhereItIsNotNativeIsRefusedWithWhatToDo() {
    assertEquals(Arithmetic.BFLOAT16, BF16.arithmetic(Precision.MIXED));
    assertEquals(Arithmetic.FLOAT16, GPU.arithmetic(Precision.MIXED));
    IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
        () -> OLD_CPU.arithmetic(Precision.MIXED));
    assertTrue(old.getMessage().contains("AVX512_BF16") && old.getMessage().contains("float32"),
        old.getMessage());
    IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
        () -> BF16_NO_ONEDNN.arithmetic(Precision.MIXED));
    assertTrue(off.getMessage().contains("TF_ENABLE_ONEDNN_OPTS=1"), off.getMessage());
  }

  @Test
  void readsTheBfloat16FlagsOfProcCpuinfo(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("cpuinfo");
    Files.writeString(f, "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2"
        + " avx512f avx512_bf16 amx_tile amx_bf16 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n");
    assertEquals(Set.of("avx512_bf16", "amx_bf16"), Machine.cpuFlags(f));
    Files.writeString(f, "flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n");
    assertEquals(Set.of(), Machine.cpuFlags(f));
    assertEquals(Set.of(), Machine.cpuFlags(dir.resolve("missing")));
  }

  @Test
  void readsTheOneDnnSwitchAsTensorFlowDoes() {
    assertTrue(Machine.oneDnnOn(Map.of(Machine.ONEDNN_VARIABLE, "1")));
    assertTrue(Machine.oneDnnOn(Map.of(Machine.ONEDNN_VARIABLE, "True")));
    assertFalse(Machine.oneDnnOn(Map.of(Machine.ONEDNN_VARIABLE, "0")));
    assertFalse(Machine.oneDnnOn(Map.of()));
  }

  @Test
  void precisionsParseByTheirFlagNames() {
    for (Precision p : Precision.values()) {
      assertEquals(p, Precision.parse(p.label().toUpperCase()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Precision.parse("half"));
    assertTrue(e.getMessage().contains("auto, float32 or mixed"), e.getMessage());
    assertEquals(Precision.MIXED, Arithmetic.BFLOAT16.precision());
    assertEquals(Precision.FLOAT32, Arithmetic.FLOAT32.precision());
  }
}
