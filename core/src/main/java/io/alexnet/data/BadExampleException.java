package io.alexnet.data;

/** An example that cannot be used (corrupt bytes, bad CRC, label out of range): skip and count. */
public class BadExampleException extends Exception {
  public BadExampleException(String message) {
    super(message);
  }
}
