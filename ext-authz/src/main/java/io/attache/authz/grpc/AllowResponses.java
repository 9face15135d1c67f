package io.attache.authz.grpc;

import io.attache.authz.core.Decision;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allow answers already built, by what they carry upstream. An allow's response is a function of
 * its headers, removals and metadata alone, and those repeat: they are rendered from the caller's
 * identity (a key's principal, a token's subject) far more often than from the request. Building
 * one took a builder and a message for the response, the OK part and each header, on every call.
 * Bounded, since a header may render from the request (its path, say) with any value; past the
 * bound an answer is built every time, as before.
 */
final class AllowResponses {
  static final int MAX_RESPONSES = 4_096;

  private final ConcurrentHashMap<Carried, CheckResponse> built = new ConcurrentHashMap<>();

  /** What an allow carries upstream; immutable, as a decision's lists and map are. */
  private record Carried(
      List<Decision.Header> headers, List<String> remove, Map<String, Object> metadata) {}

  /** The response for {@code decision}, an allow. */
  CheckResponse response(Decision decision) {
    if (!decision.responseHeaders().isEmpty()) {
      // Headers for the client are one caller's own (a session cookie): never shared.
      return CheckMapping.toProto(decision);
    }
    Carried carried =
        new Carried(
            decision.upstreamHeaders(), decision.headersToRemove(), decision.dynamicMetadata());
    CheckResponse response = built.get(carried);
    if (response == null) {
      response = CheckMapping.toProto(decision);
      if (built.size() < MAX_RESPONSES) {
        built.putIfAbsent(carried, response);
      }
    }
    return response;
  }
}
