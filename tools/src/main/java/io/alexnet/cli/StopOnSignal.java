package io.alexnet.cli;

import io.alexnet.train.StopRequest;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM during {@code train}: the first asks the run to stop after the
 * step under way and save a checkpoint there; a second exits at once, as a user who presses
 * Ctrl-C twice expects. A shutdown hook could wait for the step and the save, but by then the
 * JVM is on its way out and a second Ctrl-C cannot cut that short; so this replaces the JVM's
 * own handlers, through {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only way to
 * handle a signal, which is why javac warns about this class.
 */
final class StopOnSignal {
  private static int received; // guarded by the class lock, which handle holds

  private StopOnSignal() {}

  /** Installs the handlers for the rest of the process; {@code stop} is the run's. */
  static void install(StopRequest stop) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> handle(s, stop));
    }
  }

  /**
   * The JVM runs each signal's handler on a new thread, so two signals sent back to back can
   * be handled at the same time; one at a time keeps the first's message ahead of the
   * second's exit, so the user always reads why the run stopped.
   */
  private static synchronized void handle(Signal s, StopRequest stop) {
    int exit = 128 + s.getNumber();
    if (++received > 1) {
      System.err.println("alexnet train: SIG" + s.getName() + " again: exiting at once;"
          + " the newest complete checkpoint stays as it was");
      System.err.flush();
      Runtime.getRuntime().halt(exit);
    }
    lastSignal = exit; // before the request: the run may end before this thread goes on
    if (!stop.request()) {
      System.err.println("alexnet train: SIG" + s.getName() + " with no training step"
          + " under way: exiting");
      System.err.flush();
      Runtime.getRuntime().halt(exit);
    }
    System.err.println("alexnet train: SIG" + s.getName() + ": stopping after this step"
        + " and saving a checkpoint (send it again to exit at once)");
    System.err.flush();
  }

  private static volatile int lastSignal;

  /** The exit code for the signal that stopped the run: 128 plus its number (130, 143). */
  static int exitCode() {
    return lastSignal;
  }
}
