package io.attache.controlplane.translate;

import java.util.Objects;
import java.util.Optional;

/**
 * Where Envoy reaches our own services when a policy turns their filters on.
 *
 * @param extAuthzAddress {@code host:port} of ext-authz's gRPC Check service
 * @param rateLimitAddress {@code host:port} of ratelimit-service's gRPC RLS API
 * @param servicesTls how Envoy reaches both over TLS, when they serve it
 * @param proxylessHosts whether proxyless gRPC clients may also dial the Gateways' hosts ({@link
 *     HostApiListeners}); off by default, since it adds a listener and a route configuration per
 *     host to what those clients are sent
 */
public record TranslatorOptions(
    String extAuthzAddress,
    String rateLimitAddress,
    Optional<UpstreamTls> servicesTls,
    boolean proxylessHosts) {
  /** Both services on this host, on their default ports (the standalone {@code attache run}). */
  public static final TranslatorOptions LOCAL =
      new TranslatorOptions("127.0.0.1:9001", "127.0.0.1:8081");

  public TranslatorOptions {
    Objects.requireNonNull(extAuthzAddress, "extAuthzAddress");
    Objects.requireNonNull(rateLimitAddress, "rateLimitAddress");
    Objects.requireNonNull(servicesTls, "servicesTls");
  }

  /** Both in plaintext. */
  public TranslatorOptions(String extAuthzAddress, String rateLimitAddress) {
    this(extAuthzAddress, rateLimitAddress, Optional.empty());
  }

  /** Without the Gateways' hosts for proxyless clients. */
  public TranslatorOptions(
      String extAuthzAddress, String rateLimitAddress, Optional<UpstreamTls> servicesTls) {
    this(extAuthzAddress, rateLimitAddress, servicesTls, false);
  }

  public TranslatorOptions withProxylessHosts(boolean on) {
    return new TranslatorOptions(extAuthzAddress, rateLimitAddress, servicesTls, on);
  }
}
