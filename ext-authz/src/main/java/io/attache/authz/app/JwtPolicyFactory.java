package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.jwt.InlineJwks;
import io.attache.authz.identity.jwt.JwtSettings;
import io.attache.authz.identity.jwt.JwtVerifier;
import io.attache.authz.identity.jwt.KeySource;
import io.attache.authz.identity.jwt.RemoteJwks;
import io.attache.authz.policy.PolicyDurations;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds JWT identity methods from a policy's {@code jwt:} block:
 *
 * <pre>
 * jwt:
 *   issuers: [https://issuer.example.com]        # required (the fields: AuthPolicySpec.Jwt)
 *   audiences: [orders]                          # optional
 *   jwksUrl: https://issuer.example.com/jwks     # or issuerUrl (OIDC discovery) or jwks (inline JSON)
 *   algorithms: [RS256, ES256]                   # never none, never HS*
 *   clockSkew: 60s
 *   requiredClaims: {scope: orders}
 *   principalClaim: sub
 *   from: {header: authorization, prefix: "Bearer "}   # or {query: access_token}
 *   maxTokenBytes: 8192
 *   requireExpiration: true
 *   requiredType: at+jwt                         # the typ header, RFC 8725 explicit typing
 *   allowHttp: false                             # http:// key URLs only when true
 * </pre>
 *
 * <p>Remote key sets are shared by URL across policies and reloads, so editing a policy never
 * starts a second fetcher for the same issuer; they are fetched in the background and closed with
 * the service.
 */
public final class JwtPolicyFactory implements PolicyParser.JwtFactory, AutoCloseable {
  private final Map<String, RemoteJwks> remote = new ConcurrentHashMap<>();
  private final Clock clock;
  private final boolean fetchRemoteKeys;
  private final Tracer tracer;

  /** Fetches remote key sets in the background, as the service does. */
  public JwtPolicyFactory(Clock clock) {
    this(clock, true, OpenTelemetry.noop().getTracer("io.attache"));
  }

  /** As above, each fetch a span on {@code tracer}. */
  public JwtPolicyFactory(Clock clock, Tracer tracer) {
    this(clock, true, tracer);
  }

  /** Waits until every remote key set has been fetched once (or the timeout passes). */
  public void awaitKeys(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (RemoteJwks jwks : remote.values()) {
      jwks.awaitFirstKeys(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  private JwtPolicyFactory(Clock clock, boolean fetchRemoteKeys, Tracer tracer) {
    this.clock = clock;
    this.fetchRemoteKeys = fetchRemoteKeys;
    this.tracer = tracer;
  }

  /** For offline validation: every field is checked, but remote key sets are never fetched. */
  public static JwtPolicyFactory offline() {
    return new JwtPolicyFactory(
        Clock.systemUTC(), false, OpenTelemetry.noop().getTracer("io.attache"));
  }

  @Override
  public IdentityVerifier create(AuthPolicySpec.Jwt spec, String path, List<String> problems) {
    JwtSettings.Builder settings = JwtSettings.builder();
    settings.issuers(orEmpty(spec.issuers()).toArray(String[]::new));
    settings.audiences(orEmpty(spec.audiences()).toArray(String[]::new));
    try {
      if (spec.algorithms() != null) {
        settings.allowedAlgorithms(spec.algorithms());
      }
      if (spec.clockSkew() != null) {
        settings.clockSkew(PolicyDurations.parse(spec.clockSkew(), "clockSkew"));
      }
      if (spec.requiredClaims() != null) {
        spec.requiredClaims().forEach((k, v) -> settings.requireClaim(k, v == null ? "" : v));
      }
      if (spec.principalClaim() != null) {
        settings.principalClaim(spec.principalClaim());
      }
      AuthPolicySpec.CredentialSource from = spec.from();
      if (from != null && from.query() != null) {
        settings.queryParameter(from.query());
      } else if (from != null) {
        settings.header(
            from.header() != null ? from.header() : "authorization",
            from.prefix() != null ? from.prefix() : "Bearer ");
      }
      if (spec.maxTokenBytes() != null) {
        settings.maxTokenBytes(spec.maxTokenBytes());
      }
      if (spec.requireExpiration() != null) {
        settings.requireExpiration(spec.requireExpiration());
      }
      if (spec.requiredType() != null) {
        settings.requiredType(spec.requiredType());
      }
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
    KeySource keys = keys(spec, path, problems);
    if (!problems.isEmpty() || keys == null) {
      return null;
    }
    try {
      return new JwtVerifier(settings.build(), keys, clock);
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  /** The one key source the schema lets a policy name; none when it has refused the block. */
  private KeySource keys(AuthPolicySpec.Jwt spec, String path, List<String> problems) {
    try {
      if (spec.jwks() != null) {
        return new InlineJwks(spec.jwks());
      }
      boolean discovery = spec.jwksUrl() == null;
      String url = discovery ? spec.issuerUrl() : spec.jwksUrl();
      if (url == null) {
        return null;
      }
      boolean allowHttp = Boolean.TRUE.equals(spec.allowHttp());
      RemoteJwks.Builder builder =
          (discovery
                  ? RemoteJwks.fromIssuer(URI.create(url))
                  : RemoteJwks.fromJwksUri(URI.create(url)))
              .allowHttp(allowHttp)
              .clock(clock)
              .tracer(tracer);
      if (!fetchRemoteKeys) {
        builder.validate();
        return null;
      }
      // Shared by URL, and by whether http may be followed: a discovered jwks_uri is checked by
      // the fetcher, so two policies that differ there need fetchers of their own.
      return remote.computeIfAbsent(
          (discovery ? "issuer:" : "jwks:") + url + (allowHttp ? " (http allowed)" : ""),
          key -> builder.start());
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }

  @Override
  public void close() {
    remote.values().forEach(RemoteJwks::close);
  }
}
