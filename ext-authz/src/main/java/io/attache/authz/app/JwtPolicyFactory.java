package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.jwt.InlineJwks;
import io.attache.authz.identity.jwt.JwtSettings;
import io.attache.authz.identity.jwt.JwtVerifier;
import io.attache.authz.identity.jwt.KeySource;
import io.attache.authz.identity.jwt.RemoteJwks;
import io.attache.authz.policy.PolicyParser;
import io.attache.runtime.Settings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds JWT identity methods from a policy's {@code jwt:} block:
 *
 * <pre>
 * jwt:
 *   issuers: [https://issuer.example.com]        # required
 *   audiences: [orders]                          # optional
 *   jwksUrl: https://issuer.example.com/jwks     # or issuerUrl (OIDC discovery) or jwks (inline JSON)
 *   algorithms: [RS256, ES256]                   # never none, never HS*
 *   clockSkew: 60s
 *   requiredClaims: {scope: orders}
 *   principalClaim: sub
 *   from: {header: authorization, prefix: "Bearer "}   # or {query: access_token}
 *   maxTokenBytes: 8192
 *   requireExpiration: true
 * </pre>
 *
 * <p>Remote key sets are shared by URL across policies and reloads, so editing a policy never
 * starts a second fetcher for the same issuer; they are fetched in the background and closed with
 * the service.
 */
public final class JwtPolicyFactory implements PolicyParser.JwtFactory, AutoCloseable {
  private static final Set<String> FIELDS =
      Set.of(
          "issuers",
          "audiences",
          "jwksUrl",
          "issuerUrl",
          "jwks",
          "algorithms",
          "clockSkew",
          "requiredClaims",
          "principalClaim",
          "from",
          "maxTokenBytes",
          "requireExpiration");

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
  public IdentityVerifier create(Map<String, Object> spec, String path, List<String> problems) {
    for (String key : spec.keySet()) {
      if (!FIELDS.contains(key)) {
        problems.add(
            path
                + "."
                + key
                + ": unknown field (expected one of "
                + String.join(", ", new java.util.TreeSet<>(FIELDS))
                + ")");
      }
    }
    JwtSettings.Builder settings = JwtSettings.builder();
    List<String> issuers = strings(spec.get("issuers"));
    if (issuers.isEmpty()) {
      problems.add(path + ".issuers: lists at least one issuer");
    }
    settings.issuers(issuers.toArray(String[]::new));
    settings.audiences(strings(spec.get("audiences")).toArray(String[]::new));
    try {
      if (spec.containsKey("algorithms")) {
        settings.allowedAlgorithms(strings(spec.get("algorithms")));
      }
      if (spec.containsKey("clockSkew")) {
        settings.clockSkew(duration(spec.get("clockSkew"), path + ".clockSkew"));
      }
      if (spec.get("requiredClaims") instanceof Map<?, ?> claims) {
        claims.forEach(
            (k, v) -> settings.requireClaim(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      }
      if (spec.containsKey("principalClaim")) {
        settings.principalClaim(String.valueOf(spec.get("principalClaim")));
      }
      if (spec.get("from") instanceof Map<?, ?> from) {
        if (from.containsKey("query")) {
          settings.queryParameter(String.valueOf(from.get("query")));
        } else {
          settings.header(
              String.valueOf(from.containsKey("header") ? from.get("header") : "authorization"),
              String.valueOf(from.containsKey("prefix") ? from.get("prefix") : "Bearer "));
        }
      }
      if (spec.containsKey("maxTokenBytes")) {
        settings.maxTokenBytes(Integer.parseInt(String.valueOf(spec.get("maxTokenBytes"))));
      }
      if (spec.containsKey("requireExpiration")) {
        settings.requireExpiration(
            Boolean.parseBoolean(String.valueOf(spec.get("requireExpiration"))));
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

  private KeySource keys(Map<String, Object> spec, String path, List<String> problems) {
    int sources =
        (spec.containsKey("jwksUrl") ? 1 : 0)
            + (spec.containsKey("issuerUrl") ? 1 : 0)
            + (spec.containsKey("jwks") ? 1 : 0);
    if (sources != 1) {
      problems.add(path + ": needs exactly one of jwksUrl, issuerUrl, jwks");
      return null;
    }
    try {
      if (spec.containsKey("jwks")) {
        Object inline = spec.get("jwks");
        return new InlineJwks(inline instanceof String text ? text : toJson(inline));
      }
      String url =
          String.valueOf(spec.containsKey("jwksUrl") ? spec.get("jwksUrl") : spec.get("issuerUrl"));
      boolean discovery = spec.containsKey("issuerUrl");
      return remote.computeIfAbsent(
          (discovery ? "issuer:" : "jwks:") + url,
          key ->
              (discovery
                      ? RemoteJwks.fromIssuer(URI.create(url))
                      : RemoteJwks.fromJwksUri(URI.create(url)))
                  .clock(clock)
                  .tracer(tracer)
                  .start());
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  /** Inline JWKS written as YAML: turned back into the JSON the key parser reads. */
  private static String toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<String> fields = new ArrayList<>();
      map.forEach((k, v) -> fields.add(quote(String.valueOf(k)) + ":" + toJson(v)));
      return "{" + String.join(",", fields) + "}";
    }
    if (value instanceof List<?> list) {
      return "[" + String.join(",", list.stream().map(JwtPolicyFactory::toJson).toList()) + "]";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    return quote(String.valueOf(value));
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<String> strings(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }

  private static Duration duration(Object value, String path) {
    Settings parsed = new Settings(Map.of(path, String.valueOf(value)));
    Duration duration = parsed.duration(path, Duration.ZERO);
    try {
      parsed.validate();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("clockSkew: not a duration (e.g. 30s)", e);
    }
    return duration;
  }

  @Override
  public void close() {
    remote.values().forEach(RemoteJwks::close);
  }
}
