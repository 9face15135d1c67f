package io.attache.ratelimit.core;

/** The counter store could not answer: Redis down, slow past the deadline, or memory full. */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
