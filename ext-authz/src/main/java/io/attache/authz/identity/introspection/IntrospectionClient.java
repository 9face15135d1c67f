package io.attache.authz.identity.introspection;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Asks about one token, without holding the caller's thread, within a timeout of its own. */
public interface IntrospectionClient {
  /**
   * The answer in RFC 7662's terms (section 2.2), with {@code active} a boolean; completes
   * exceptionally when there is no such answer (unreachable, timed out, another status, not JSON).
   */
  CompletableFuture<Map<String, Object>> introspect(String token);
}
