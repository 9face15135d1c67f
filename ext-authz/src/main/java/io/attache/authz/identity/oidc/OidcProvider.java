package io.attache.authz.identity.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.attache.runtime.DaemonThreads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenID provider's endpoints, discovered in the background from {@code
 * <issuer>/.well-known/openid-configuration} and retried every {@link #RETRY} until found, so a
 * check never waits for discovery: until it has succeeded, login answers that the provider is
 * unavailable.
 */
public final class OidcProvider implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);
  static final Duration RETRY = Duration.ofSeconds(5);
  private static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  private final String issuer;
  private final boolean allowHttp;
  private final HttpClient http;
  private final AtomicReference<ProviderMetadata> metadata = new AtomicReference<>();
  private final ScheduledExecutorService discovery =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("oidc-discovery"));

  private OidcProvider(String issuer, boolean allowHttp, HttpClient http) {
    this.issuer = issuer;
    this.allowHttp = allowHttp;
    this.http = http;
  }

  /** Starts discovering {@code issuer}'s endpoints and returns at once. */
  public static OidcProvider discover(String issuer, boolean allowHttp, HttpClient http) {
    OidcProvider provider = new OidcProvider(issuer, allowHttp, http);
    provider.discovery.execute(provider::fetch);
    return provider;
  }

  public String issuer() {
    return issuer;
  }

  /** The endpoints, once discovered. */
  public Optional<ProviderMetadata> metadata() {
    return Optional.ofNullable(metadata.get());
  }

  /** For start-up and tests: waits until discovered, or the timeout passes. */
  public boolean awaitMetadata(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (metadata.get() == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return metadata.get() != null;
  }

  private void fetch() {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI uri = URI.create(base + "/.well-known/openid-configuration");
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200 || response.body().length > MAX_DOCUMENT_BYTES) {
        throw new IOException("HTTP " + response.statusCode());
      }
      Map<String, Object> document =
          JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
      metadata.set(ProviderMetadata.of(issuer, document, allowHttp));
      log.info("OpenID provider {} discovered", issuer);
    } catch (IOException | ParseException | RuntimeException e) {
      // Any failure is retried: a discovery that stopped for good would keep login unavailable.
      log.warn("OpenID discovery at {} failed, retrying in {}: {}", uri, RETRY, e.toString());
      discovery.schedule(this::fetch, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    discovery.shutdownNow();
  }
}
