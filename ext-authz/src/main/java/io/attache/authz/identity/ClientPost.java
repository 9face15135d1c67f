package io.attache.authz.identity;

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
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * An OAuth 2.0 client's form POST to its authorization server (the token endpoint, the
 * introspection endpoint), asynchronously on the JDK's HTTP client: the client authenticated with
 * HTTP Basic as RFC 6749 section 2.3.1 asks (id and secret each form-encoded first), and the answer
 * read as a JSON object of at most {@value #MAX_ANSWER_BYTES} bytes.
 */
public final class ClientPost {
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  private ClientPost() {}

  /**
   * The endpoint's JSON answer to {@code form}; completes exceptionally on anything but a 200 with
   * a JSON object, or after {@code timeout}. Never throws: a secret that cannot be read fails the
   * future.
   */
  public static CompletableFuture<Map<String, Object>> post(
      HttpClient http,
      URI endpoint,
      String clientId,
      java.util.function.Supplier<String> clientSecret,
      Map<String, String> form,
      Duration timeout) {
    try {
      String credentials = encode(clientId) + ":" + encode(clientSecret.get());
      StringJoiner body = new StringJoiner("&");
      form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
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
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .thenApply(response -> json(endpoint, response));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Map<String, Object> json(URI endpoint, HttpResponse<byte[]> response) {
    try {
      if (response.statusCode() != 200) {
        throw new StatusException(response.statusCode(), endpoint);
      }
      if (response.body().length > MAX_ANSWER_BYTES) {
        throw new IOException("an answer over " + MAX_ANSWER_BYTES + " bytes from " + endpoint);
      }
      return JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
    } catch (IOException | ParseException e) {
      throw new CompletionException(e);
    }
  }

  /** The endpoint answered, with a status other than 200. */
  public static final class StatusException extends IOException {
    private final int status;

    public StatusException(int status, URI endpoint) {
      super("HTTP " + status + " from " + endpoint);
      this.status = status;
    }

    /** Whether the endpoint itself failed (5xx), rather than refusing this one request. */
    public boolean serverError() {
      return status >= 500;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
