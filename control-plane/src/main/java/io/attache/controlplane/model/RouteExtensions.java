package io.attache.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a route asks of the ext_authz and ratelimit filters beyond what Gateway API says: Emissary's
 * per-Mapping {@code bypass_auth}, {@code auth_context_extensions} and {@code labels}, carried on
 * an HTTPRoute as its {@code attache.io/} annotations (the migration writes them; any HTTPRoute
 * may).
 *
 * @param authDisabled ext_authz is off for the route, whatever AuthPolicy applies
 * @param authContext added to the {@code context_extensions} of the route's checks
 * @param labels rate-limit actions of the route's own, as a route's RateLimitPolicy would give
 * @param cors the route's CORS policy (Emissary's {@code cors}), for Envoy's CORS filter
 * @param regexRewrite the path rewritten by a regular expression in place of the rule's own rewrite
 *     (Emissary's {@code regex_rewrite})
 * @param idleTimeout Envoy's per-route stream idle timeout (Emissary's {@code idle_timeout_ms})
 * @param caseInsensitive paths match whatever their case (Emissary's {@code case_sensitive: false})
 * @param stringPrefix a {@code PathPrefix} matches as Envoy's string prefix, Emissary's {@code
 *     prefix} ({@code /v1/orders} also matches {@code /v1/ordersX}, {@code /catalog/} not {@code
 *     /catalog}), rather than by whole segments
 * @param methodRegex a regular expression the {@code :method} must match (Emissary's {@code
 *     method_regex})
 * @param authorityRegex a regular expression the {@code :authority} must match (Emissary's {@code
 *     host_regex})
 * @param precedence orders the route's Envoy routes before those of lower precedence, whatever
 *     Gateway API's order says (Emissary's {@code precedence}); 0 for all routes leaves that order
 * @param tlsBackends the backends ({@code namespace/name:port}) requests may reach only over TLS
 *     (Emissary's {@code https://} services): one that no BackendTLSPolicy covers does not resolve,
 *     so its share fails rather than go out in the clear
 */
public record RouteExtensions(
    boolean authDisabled,
    Map<String, String> authContext,
    Optional<PolicyAttachment.RateLimits> labels,
    Optional<Cors> cors,
    Optional<RegexRewrite> regexRewrite,
    Optional<java.time.Duration> idleTimeout,
    boolean caseInsensitive,
    boolean stringPrefix,
    int precedence,
    Optional<String> methodRegex,
    Optional<String> authorityRegex,
    Set<String> tlsBackends) {
  public static final RouteExtensions NONE =
      new RouteExtensions(
          false,
          Map.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          false,
          0,
          Optional.empty(),
          Optional.empty(),
          Set.of());

  /** JSON {@code {"pattern": ..., "substitution": ...}}: {@link #regexRewrite}. */
  public static final String REGEX_REWRITE_ANNOTATION = "attache.io/regex-rewrite";

  /** A duration such as {@code 5s} or {@code 1500ms}: {@link #idleTimeout}. */
  public static final String IDLE_TIMEOUT_ANNOTATION = "attache.io/idle-timeout";

  /** {@code string} ({@link #stringPrefix}) or {@code segment}, Gateway API's, the default. */
  public static final String PATH_PREFIX_ANNOTATION = "attache.io/path-prefix";

  /** An RE2 expression: {@link #methodRegex}. */
  public static final String METHOD_REGEX_ANNOTATION = "attache.io/method-regex";

  /** An RE2 expression: {@link #authorityRegex}. */
  public static final String AUTHORITY_REGEX_ANNOTATION = "attache.io/authority-regex";

  /** A whole number: {@link #precedence}. */
  public static final String PRECEDENCE_ANNOTATION = "attache.io/precedence";

  /** Backends as {@code namespace/name:port}, separated by commas: {@link #tlsBackends}. */
  public static final String BACKEND_TLS_ANNOTATION = "attache.io/backend-tls";

  /** {@code "false"}: {@link #caseInsensitive}. */
  public static final String CASE_SENSITIVE_ANNOTATION = "attache.io/case-sensitive";

  /** Envoy's RegexMatchAndSubstitute: an RE2 pattern and what replaces each match. */
  public record RegexRewrite(String pattern, String substitution) {
    public RegexRewrite {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(substitution, "substitution");
    }
  }

  /** JSON, Emissary's {@code cors} format: {@link #cors}. */
  public static final String CORS_ANNOTATION = "attache.io/cors";

  /**
   * What Envoy's CorsPolicy says: the exact origins allowed, and the {@code Access-Control-*}
   * values as Emissary passes them (lists joined with {@code ", "}); empty strings are left out.
   */
  public record Cors(
      List<String> origins,
      String methods,
      String headers,
      String exposedHeaders,
      Optional<String> maxAge,
      Optional<Boolean> credentials) {
    public Cors {
      origins = List.copyOf(origins);
      Objects.requireNonNull(methods, "methods");
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(exposedHeaders, "exposedHeaders");
      Objects.requireNonNull(maxAge, "maxAge");
      Objects.requireNonNull(credentials, "credentials");
    }
  }

  /** {@code disabled}: {@link #authDisabled}. */
  public static final String EXT_AUTHZ_ANNOTATION = "attache.io/ext-authz";

  /** A JSON object of strings: {@link #authContext}. */
  public static final String AUTH_CONTEXT_ANNOTATION = "attache.io/ext-authz-context-extensions";

  /** JSON, Emissary's {@code labels} format: {@link #labels}. */
  public static final String LABELS_ANNOTATION = "attache.io/rate-limit-labels";

  /** Context extension keys the control plane sets itself (the route and its Gateway). */
  public static final String RESERVED_CONTEXT_PREFIX = "attache.io/";

  public RouteExtensions {
    authContext = Map.copyOf(authContext);
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(regexRewrite, "regexRewrite");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(methodRegex, "methodRegex");
    Objects.requireNonNull(authorityRegex, "authorityRegex");
    tlsBackends = Set.copyOf(tlsBackends);
  }
}
