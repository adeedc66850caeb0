package io.alexnet.fuzz;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.Dataset;
import java.util.Set;

/**
 * What every reader of outside bytes promises, checked on each fuzzed input: it returns, or it
 * refuses with one of the exceptions the command line reports as a one-line error (see the
 * tools module's Main) and a message a user can act on. Any other exception, including a JDK
 * subclass such as NumberFormatException or EOFException, means a case the reader did not
 * think of, and an OutOfMemoryError means it sized a buffer from an unchecked length field
 * (the fuzz JVM has a 1 GB heap).
 */
final class Contract {
  private Contract() {}

  @FunctionalInterface
  interface Parse {
    void run() throws Exception;
  }

  static void returnsOrRefuses(Parse parse, Set<Class<? extends Exception>> refusals) {
    try {
      parse.run();
    } catch (Exception e) {
      if (!refusals.contains(e.getClass())) {
        throw new AssertionError("refused with " + e.getClass().getName()
            + ", which is not among the documented " + refusals, e);
      }
      String m = e.getMessage();
      if (m == null || m.isBlank()) {
        throw new AssertionError("refused without a message", e);
      }
    }
  }

  /**
   * Reads every example (the first 200): each one decodes or is refused as a bad example, with
   * a message, to be skipped and counted.
   */
  static void everyExample(Dataset d) {
    for (int i = 0; i < Math.min(d.size(), 200); i++) {
      try {
        d.get(i);
      } catch (BadExampleException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          throw new AssertionError("example " + i + " refused without a message", e);
        }
      }
    }
  }
}
