package io.attache.authz.identity.introspection;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * RFC 7662 over the JDK's HTTP client, asynchronously: a form POST of {@code token} and {@code
 * token_type_hint=access_token}, the client authenticated with HTTP Basic as RFC 6749 section 2.3.1
 * asks (id and secret each form-encoded first), and the answer read as a JSON object of at most
 * {@value #MAX_ANSWER_BYTES} bytes.
 */
public final class HttpIntrospectionClient implements IntrospectionClient {
  static final int MAX_ANSWER_BYTES = 64 * 1024;

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
    try {
      return call(token);
    } catch (RuntimeException e) {
      // A client secret that cannot be read yet, say: a failed call, not a failed check.
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Map<String, Object>> call(String token) {
    String credentials = form(clientId) + ":" + form(clientSecret.get());
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + form(token) + "&token_type_hint=access_token"))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(this::answer);
  }

  private Map<String, Object> answer(HttpResponse<byte[]> response) {
    try {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + " from " + endpoint);
      }
      if (response.body().length > MAX_ANSWER_BYTES) {
        throw new IOException("an answer over " + MAX_ANSWER_BYTES + " bytes");
      }
      Map<String, Object> json =
          JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
      if (!(json.get("active") instanceof Boolean)) {
        throw new IOException("the answer has no boolean active member (RFC 7662 section 2.2)");
      }
      return json;
    } catch (IOException | ParseException e) {
      throw new CompletionException(e);
    }
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
