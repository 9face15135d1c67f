package io.attache.authz.identity.introspection;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Asks an introspection endpoint about one token, without holding the caller's thread. */
public interface IntrospectionClient {
  /**
   * The endpoint's JSON answer, with {@code active} a boolean; completes exceptionally when there
   * is no such answer (unreachable, timed out, another status, not JSON).
   */
  CompletableFuture<Map<String, Object>> introspect(IntrospectionSettings settings, String token);
}
