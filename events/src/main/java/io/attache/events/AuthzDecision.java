package io.attache.events;

import io.attache.events.json.JsonWriter;
import java.util.Objects;
import java.util.Optional;

/**
 * One authorization decision of ext-authz ({@code audit.authz}).
 *
 * @param decision allow or deny
 * @param reason a stable reason code, e.g. {@code ok}, {@code token_expired}, {@code rule_denied}
 * @param httpStatus the HTTP status given to the client on deny (200 on allow)
 * @param policy the policy that matched, if any
 * @param rule the rule that decided, if any
 * @param principal who the caller was, if identified
 * @param identityMethod how they were identified: {@code jwt}, {@code api_key}, {@code mtls},
 *     {@code anonymous}
 * @param keyFingerprint a keyed hash identifying the API key used, never the key
 * @param method HTTP method
 * @param host the request's authority
 * @param path the request path, without the query string
 * @param sourceAddress the downstream peer address
 * @param requestId Envoy's {@code x-request-id}, if present
 * @param latencyMicros time spent deciding
 * @param traceparent the W3C trace context of the check, when it was traced
 */
public record AuthzDecision(
    Decision decision,
    String reason,
    int httpStatus,
    Optional<String> policy,
    Optional<String> rule,
    Optional<String> principal,
    Optional<String> identityMethod,
    Optional<String> keyFingerprint,
    String method,
    String host,
    String path,
    String sourceAddress,
    Optional<String> requestId,
    long latencyMicros,
    Optional<String> traceparent)
    implements Event {

  public AuthzDecision {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(identityMethod, "identityMethod");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(traceparent, "traceparent");
  }

  @Override
  public EventType type() {
    return EventType.AUTHZ_DECISION;
  }

  @Override
  public String subject() {
    return path;
  }

  /**
   * The principal; an unidentified caller is keyed by source address so its events stay ordered.
   */
  @Override
  public String partitionKey() {
    // Not orElse(...): that would build the anonymous key for every event that has a principal.
    return principal.isPresent() ? principal.get() : "anonymous@" + sourceAddress;
  }

  @Override
  public void writeData(JsonWriter json) {
    json.field("decision", decision.name())
        .field("reason", reason)
        .field("httpStatus", httpStatus)
        .field("policy", policy)
        .field("rule", rule)
        .field("principal", principal)
        .field("identityMethod", identityMethod)
        .field("keyFingerprint", keyFingerprint)
        .field("method", method)
        .field("host", host)
        .field("path", path)
        .field("sourceAddress", sourceAddress)
        .field("requestId", requestId)
        .field("latencyMicros", latencyMicros);
  }
}
