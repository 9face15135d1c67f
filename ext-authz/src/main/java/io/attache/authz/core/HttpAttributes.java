package io.attache.authz.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP request being authorized, as Envoy describes it in {@code attributes.request.http}.
 *
 * @param method e.g. {@code GET}
 * @param host the {@code :authority}
 * @param path the path without the query string
 * @param query the query string without {@code ?}, empty if none
 * @param headers lower-case names, as Envoy sends them; copied unless {@link FrozenMap frozen}
 * @param scheme {@code http} or {@code https}
 * @param requestId Envoy's {@code x-request-id}
 */
public record HttpAttributes(
    String method,
    String host,
    String path,
    String query,
    Map<String, String> headers,
    String scheme,
    Optional<String> requestId) {

  public HttpAttributes {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = FrozenMap.copyOf(headers);
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(requestId, "requestId");
  }

  public Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }
}
