package io.alexnet.api;

/**
 * What the API throws when it cannot do what was asked, in the library's terms (a model folder
 * that is not one, data that cannot be read, a run that diverged); the message says what is
 * wrong and, where it can, what to do. The command-line program turns these into flag advice.
 */
public class AlexNetException extends RuntimeException {
  /** @param message what is wrong and, where it can say, what to do */
  public AlexNetException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and, where it can say, what to do
   * @param cause the failure underneath, in its own terms
   */
  public AlexNetException(String message, Throwable cause) {
    super(message, cause);
  }
}
