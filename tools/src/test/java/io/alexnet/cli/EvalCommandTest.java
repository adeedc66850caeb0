package io.alexnet.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.eval.EvalResult;
import org.junit.jupiter.api.Test;

class EvalCommandTest {

  private static EvalResult timed(double seconds, double waiting) {
    return new EvalResult(10, 0, 0.5, 0.1, new long[][] {{5, 0}, {5, 0}}, seconds, waiting);
  }

  @Test
  void theTimeLineSuggestsMoreDecodingThreadsOnlyWhenDecodingIsTheLimit() {
    String decodingBound = EvalCommand.timeLine(timed(40, 12), 2);
    assertEquals("time: 40.0 s, of which 12.0 s waiting for decoded images (decoding limits the"
        + " speed: if the machine has idle cores, try --workers 4)", decodingBound);
    // The network is the limit: only the numbers.
    assertEquals("time: 40.0 s, of which 0.5 s waiting for decoded images",
        EvalCommand.timeLine(timed(40, 0.5), 2));
    // A short run is mostly its first batch's wait, which more threads would not remove.
    assertFalse(EvalCommand.timeLine(timed(3, 1.5), 2).contains("--workers"));
  }
}
