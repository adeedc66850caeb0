package io.alexnet.data;

import java.util.List;

/**
 * A fixed, indexable set of labelled images. Reading one example may fail for that example
 * alone ({@link BadExampleException}); the callers skip and count those.
 */
public interface Dataset {

  int size();

  /** Class names, index = label. */
  List<String> classNames();

  /** Example {@code index} (0 <= index < size), decoded. Safe to call from several threads. */
  Example get(int index) throws BadExampleException;

  /** Examples found unusable while opening (truncated files, unreadable entries). */
  default int badAtOpen() {
    return 0;
  }

  /** What to call example {@code index} in a listing: its file where it has one. */
  default String name(int index) {
    return Integer.toString(index);
  }

  /** One line for logs: where the data is and how much of it there is. */
  String describe();

  default int numClasses() {
    return classNames().size();
  }

  /** Checks a label against the class count. */
  default int checkLabel(long label) throws BadExampleException {
    if (label < 0 || label >= numClasses()) {
      throw new BadExampleException(
          "label " + label + " outside 0.." + (numClasses() - 1));
    }
    return (int) label;
  }
}
