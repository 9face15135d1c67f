package io.attache.authz.identity.introspection;

import io.attache.authz.identity.ClientPost;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * RFC 7662 over HTTP: a form POST of {@code token} and {@code token_type_hint=access_token} by an
 * authenticated client ({@link ClientPost}), answered with a JSON object whose {@code active} is a
 * boolean.
 */
public final class HttpIntrospectionClient implements IntrospectionClient {
  private final HttpClient http;
  private final URI endpoint;
  private final String clientId;
  private final Supplier<String> clientSecret;
  private final Duration timeout;

  /**
   * @param clientSecret read on every call, so a rotated Secret is used at once
   * @param timeout for one call, connecting included
   */
  public HttpIntrospectionClient(
      HttpClient http,
      URI endpoint,
      String clientId,
      Supplier<String> clientSecret,
      Duration timeout) {
    this.http = http;
    this.endpoint = endpoint;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<Map<String, Object>> introspect(String token) {
    return ClientPost.post(
            http,
            endpoint,
            clientId,
            clientSecret,
            Map.of("token", token, "token_type_hint", "access_token"),
            timeout)
        .thenApply(HttpIntrospectionClient::checked);
  }

  private static Map<String, Object> checked(Map<String, Object> answer) {
    if (!(answer.get("active") instanceof Boolean)) {
      throw new CompletionException(
          new IOException("the answer has no boolean active member (RFC 7662 section 2.2)"));
    }
    return answer;
  }
}
