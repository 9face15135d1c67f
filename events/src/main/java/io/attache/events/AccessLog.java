package io.attache.events;

import io.attache.events.json.JsonWriter;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One HTTP access log entry Envoy sent over the Access Log Service ({@code traffic.access}).
 *
 * @param logName the access log's name from the stream identifier
 * @param node the Envoy node id
 * @param startTime when the request started, RFC 3339; absent when Envoy did not say
 * @param method HTTP method
 * @param authority the request's {@code :authority}
 * @param path the request path, without the query string (which can carry a credential)
 * @param protocol {@code HTTP/1.1}, {@code HTTP/2}, ...
 * @param responseCode the HTTP status sent downstream (0 when none was)
 * @param durationMicros until the last byte went downstream, if known
 * @param requestBytes body bytes received, an unsigned 64-bit count as Envoy sends it (written so)
 * @param responseBytes body bytes sent, unsigned as {@code requestBytes}
 * @param downstreamAddress the client's address
 * @param upstreamCluster the cluster that served it
 * @param upstreamHost the endpoint that served it
 * @param routeName the route that matched
 * @param requestId {@code x-request-id}
 * @param userAgent the {@code user-agent} header
 * @param responseFlags Envoy's response flags, e.g. {@code UH}, {@code RL}, {@code UAEX}
 */
public record AccessLog(
    String logName,
    Optional<String> node,
    Optional<String> startTime,
    String method,
    String authority,
    String path,
    String protocol,
    int responseCode,
    OptionalLong durationMicros,
    long requestBytes,
    long responseBytes,
    Optional<String> downstreamAddress,
    Optional<String> upstreamCluster,
    Optional<String> upstreamHost,
    Optional<String> routeName,
    Optional<String> requestId,
    Optional<String> userAgent,
    Optional<String> responseFlags)
    implements Event {

  public AccessLog {
    Objects.requireNonNull(logName, "logName");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(durationMicros, "durationMicros");
    Objects.requireNonNull(downstreamAddress, "downstreamAddress");
    Objects.requireNonNull(upstreamCluster, "upstreamCluster");
    Objects.requireNonNull(upstreamHost, "upstreamHost");
    Objects.requireNonNull(routeName, "routeName");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(responseFlags, "responseFlags");
  }

  @Override
  public EventType type() {
    return EventType.ACCESS_LOG;
  }

  @Override
  public String subject() {
    return authority + path;
  }

  /** The route when Envoy names it, else the authority: one route's entries stay in order. */
  @Override
  public String partitionKey() {
    return routeName.orElse(authority);
  }

  @Override
  public void writeData(JsonWriter json) {
    json.field("logName", logName)
        .field("node", node)
        .field("startTime", startTime)
        .field("method", method)
        .field("authority", authority)
        .field("path", path)
        .field("protocol", protocol)
        .field("responseCode", responseCode)
        .field("durationMicros", durationMicros)
        .unsignedField("requestBytes", requestBytes)
        .unsignedField("responseBytes", responseBytes)
        .field("downstreamAddress", downstreamAddress)
        .field("upstreamCluster", upstreamCluster)
        .field("upstreamHost", upstreamHost)
        .field("routeName", routeName)
        .field("requestId", requestId)
        .field("userAgent", userAgent)
        .field("responseFlags", responseFlags);
  }
}
