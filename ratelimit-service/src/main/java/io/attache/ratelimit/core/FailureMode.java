package io.attache.ratelimit.core;

/**
 * What to answer when counters cannot be reached ({@code ATTACHE_STORE_FAILURE_MODE}).
 *
 * <ul>
 *   <li>{@code ERROR} (default, as the reference): a gRPC error, so Envoy applies its own {@code
 *       failure_mode_deny} (open unless set).
 *   <li>{@code ALLOW}: answer OK, without limits.
 *   <li>{@code DENY}: answer OVER_LIMIT.
 * </ul>
 */
public enum FailureMode {
  ERROR,
  ALLOW,
  DENY
}
