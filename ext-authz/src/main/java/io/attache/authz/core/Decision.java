package io.attache.authz.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a check, free of protobuf; both adapters (gRPC Check and Emissary's HTTP mode)
 * render it.
 *
 * @param allowed whether the request may go upstream
 * @param httpStatus 200 when allowed, else what the client gets (401, 403, ...)
 * @param reason why, as a stable code
 * @param policy the policy that matched, {@code namespace/name} or the file's name
 * @param rule the rule that decided, if one did
 * @param identity who the caller was, if identified
 * @param upstreamHeaders on allow: headers to add or overwrite on the request sent upstream
 * @param headersToRemove on allow: request headers to strip before the upstream sees them
 * @param dynamicMetadata on allow: what Envoy stores for later filters (the rate-limit filter)
 * @param responseHeaders headers for the client: on deny with the denial (e.g. {@code
 *     WWW-Authenticate}), on allow with the upstream's response (a refreshed session cookie)
 * @param body on deny: the response body
 */
public record Decision(
    boolean allowed,
    int httpStatus,
    ReasonCode reason,
    Optional<String> policy,
    Optional<String> rule,
    Optional<Identity> identity,
    List<Header> upstreamHeaders,
    List<String> headersToRemove,
    Map<String, Object> dynamicMetadata,
    List<Header> responseHeaders,
    String body) {

  /** A header; {@code overwrite} replaces an existing value instead of appending. */
  public record Header(String name, String value, boolean overwrite) {}

  public Decision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(identity, "identity");
    upstreamHeaders = List.copyOf(upstreamHeaders);
    headersToRemove = List.copyOf(headersToRemove);
    dynamicMetadata = Map.copyOf(dynamicMetadata);
    responseHeaders = List.copyOf(responseHeaders);
    Objects.requireNonNull(body, "body");
  }
}
