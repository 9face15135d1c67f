package io.attache.controlplane.emissary;

import io.attache.controlplane.model.RouteExtensions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An Emissary {@code Mapping} ({@code getambassador.io/v3alpha1}, or v2 whose fields are the same),
 * checked field by field. Defaults are Emissary's: {@code rewrite} is {@code /} unless given (an
 * empty {@code rewrite} keeps the path), the request timeout is 3 s unless {@code timeout_ms} says
 * (0: none), added headers are appended unless {@code append: false}.
 *
 * @param metadataLabels the Mapping's own labels, which a Host's {@code mappingSelector} selects
 * @param hostname the host glob the Mapping serves ({@code hostname}, else an exact {@code host},
 *     else an exact {@code :authority} header); without one a Mapping matches no Host (irhost.py
 *     {@code matches_httpgroup}), so Emissary's own examples say {@code hostname: "*"}
 * @param headers header name to exact value; a null value means "present" ({@code true})
 * @param timeoutMillis the request timeout, Emissary's 3000 unless set
 * @param extensions what the migration carries as the route's annotations
 * @param notCarried fields given whose meaning the Gateway API migration cannot carry over yet
 */
public record EmissaryMapping(
    String namespace,
    String name,
    Map<String, String> metadataLabels,
    String prefix,
    PathKind pathKind,
    String service,
    Optional<String> rewrite,
    Optional<String> hostname,
    Map<String, String> headers,
    Map<String, String> regexHeaders,
    Map<String, String> queryParameters,
    Map<String, String> regexQueryParameters,
    Optional<String> method,
    OptionalInt weight,
    int timeoutMillis,
    List<AddedHeader> addRequestHeaders,
    List<String> removeRequestHeaders,
    List<AddedHeader> addResponseHeaders,
    List<String> removeResponseHeaders,
    Optional<Redirect> redirect,
    int precedence,
    Traffic traffic,
    Extensions extensions,
    Map<String, String> notCarried) {

  /** Emissary's request timeout when neither the Mapping nor the Ambassador Module sets one. */
  public static final int DEFAULT_TIMEOUT_MILLIS = 3000;

  public EmissaryMapping {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    metadataLabels = Map.copyOf(metadataLabels);
    headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    regexHeaders = Map.copyOf(regexHeaders);
    queryParameters =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queryParameters));
    regexQueryParameters = Map.copyOf(regexQueryParameters);
    addRequestHeaders = List.copyOf(addRequestHeaders);
    removeRequestHeaders = List.copyOf(removeRequestHeaders);
    addResponseHeaders = List.copyOf(addResponseHeaders);
    removeResponseHeaders = List.copyOf(removeResponseHeaders);
    notCarried = Map.copyOf(notCarried);
  }

  /** How {@code prefix} matches: Envoy's string prefix (Emissary's default), a regex, or exact. */
  public enum PathKind {
    PREFIX,
    REGEX,
    EXACT
  }

  /**
   * {@code retry_policy}, {@code load_balancer} and {@code circuit_breakers}, each as the
   * TrafficPolicy spec field that means the same ({@code retry}, {@code loadBalancer}, {@code
   * circuitBreaker}).
   */
  public record Traffic(
      Optional<Map<String, Object>> retry,
      Optional<Map<String, Object>> loadBalancer,
      Optional<Map<String, Object>> circuitBreaker) {
    boolean clusterSettings() {
      return loadBalancer.isPresent() || circuitBreaker.isPresent();
    }
  }

  /**
   * What Gateway API has no field for, carried as the route's {@code attache.io/} annotations
   * ({@link AnnotatedFields}): {@code bypass_auth}, {@code auth_context_extensions}, {@code labels}
   * and {@code cors} (checked by {@link EmissaryLabels} and {@link EmissaryCors}, kept as written,
   * in Emissary's format), {@code regex_rewrite}, {@code idle_timeout_ms}, {@code case_sensitive:
   * false}, {@code precedence}, {@code method} with {@code method_regex}, {@code host} with {@code
   * host_regex}, and that {@code prefix} is Envoy's string prefix.
   */
  public record Extensions(
      boolean bypassAuth,
      Map<String, String> authContextExtensions,
      Optional<Map<?, ?>> labels,
      Optional<Map<?, ?>> cors,
      Optional<RouteExtensions.RegexRewrite> regexRewrite,
      OptionalInt idleTimeoutMillis,
      boolean caseInsensitive,
      boolean stringPrefix,
      int precedence,
      Optional<String> methodRegex,
      Optional<String> hostRegex) {
    public Extensions {
      authContextExtensions =
          java.util.Collections.unmodifiableMap(
              new java.util.LinkedHashMap<>(authContextExtensions));
    }
  }

  /** A header to add; {@code append} adds a value beside the request's own (the default). */
  public record AddedHeader(String name, String value, boolean append) {}

  /**
   * A redirect instead of a backend ({@code host_redirect}): to {@code service} as the host, the
   * path replaced whole ({@code path_redirect}) or its prefix ({@code prefix_redirect}).
   */
  public record Redirect(
      Optional<String> host,
      Optional<String> path,
      Optional<String> prefix,
      OptionalInt statusCode) {}

  public String key() {
    return namespace + "/" + name;
  }

  /** Fields of the CRD (getambassador.io/v3alpha1 MappingSpec) this reads. */
  static final Set<String> READ =
      Set.of(
          "ambassador_id",
          "prefix",
          "prefix_regex",
          "prefix_exact",
          "service",
          "rewrite",
          "regex_rewrite",
          "hostname",
          "host",
          "host_regex",
          "headers",
          "regex_headers",
          "query_parameters",
          "regex_query_parameters",
          "method",
          "method_regex",
          "weight",
          "timeout_ms",
          "idle_timeout_ms",
          "add_request_headers",
          "remove_request_headers",
          "add_response_headers",
          "remove_response_headers",
          "host_redirect",
          "path_redirect",
          "prefix_redirect",
          "redirect_response_code",
          "precedence",
          "retry_policy",
          "cors",
          "circuit_breakers",
          "load_balancer",
          "bypass_auth",
          "auth_context_extensions",
          "labels",
          "tls",
          "case_sensitive",
          "docs");

  /** Fields of the CRD Attaché refuses: they configure what it does not serve. */
  static final Set<String> REFUSED =
      Set.of(
          "add_linkerd_headers",
          "auto_host_rewrite",
          "dns_type",
          "keepalive",
          "respect_dns_ttl",
          "grpc",
          "host_rewrite",
          "outlier_detection",
          "regex_redirect",
          "priority",
          "cluster_tag",
          "resolver",
          "shadow",
          "connect_timeout_ms",
          "cluster_idle_timeout_ms",
          "cluster_max_connection_lifetime_ms",
          "health_checks",
          "use_websocket",
          "allow_upgrade",
          "bypass_error_response_overrides",
          "error_response_overrides",
          "modules",
          "envoy_override",
          "stats_name",
          "v3StatsName",
          "v3health_checks");
}
