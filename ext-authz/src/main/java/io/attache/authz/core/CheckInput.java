package io.attache.authz.core;

import java.util.Map;
import java.util.Objects;

/**
 * One authorization question, free of protobuf: the request, its peer, and the per-route strings
 * Envoy passes as {@code context_extensions} (Emissary puts the Mapping's name there).
 */
public record CheckInput(
    HttpAttributes request, PeerAttributes source, Map<String, String> contextExtensions) {
  public CheckInput {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(source, "source");
    contextExtensions = FrozenMap.copyOf(contextExtensions);
  }
}
