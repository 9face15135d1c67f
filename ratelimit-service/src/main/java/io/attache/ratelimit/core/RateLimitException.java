package io.attache.ratelimit.core;

/**
 * A request the service cannot answer (empty domain, no descriptors, no configuration loaded). The
 * reference service returns these as gRPC errors, so Envoy applies its failure mode.
 */
public final class RateLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RateLimitException(String message) {
    super(message, null, false, false);
  }
}
