package io.attache.controlplane.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Gateway API route, checked and reduced to what translation needs. An {@code HTTPRoute}, or a
 * {@code GRPCRoute}: a gRPC call is an HTTP/2 request whose path is {@code /service/method}, so its
 * method matches are path matches (with what precedence needs kept in {@link Match#grpc()}), and it
 * has only the filters GRPCRoute allows. A {@code TLSRoute} (SNI hostnames) or {@code TCPRoute} is
 * one rule without matches whose backends take whole connections. Every field has been validated by
 * the source that built it; references (parents, backends) are resolved later against the whole
 * {@link ClusterState}.
 *
 * @param created the creation timestamp; older routes win precedence ties, as the spec says
 * @param extensions what the route asks of Attaché's filters beyond Gateway API (its annotations)
 */
public record HttpRouteState(
    String namespace,
    String name,
    long generation,
    Instant created,
    List<ParentRef> parents,
    List<String> hostnames,
    List<Rule> rules,
    RouteKind kind,
    RouteExtensions extensions) {

  public HttpRouteState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(extensions, "extensions");
    parents = List.copyOf(parents);
    hostnames = List.copyOf(hostnames);
    rules = List.copyOf(rules);
  }

  /** A route without {@link RouteExtensions}. */
  public HttpRouteState(
      String namespace,
      String name,
      long generation,
      Instant created,
      List<ParentRef> parents,
      List<String> hostnames,
      List<Rule> rules,
      RouteKind kind) {
    this(
        namespace,
        name,
        generation,
        created,
        parents,
        hostnames,
        rules,
        kind,
        RouteExtensions.NONE);
  }

  /** An HTTPRoute. */
  public HttpRouteState(
      String namespace,
      String name,
      long generation,
      Instant created,
      List<ParentRef> parents,
      List<String> hostnames,
      List<Rule> rules) {
    this(namespace, name, generation, created, parents, hostnames, rules, RouteKind.HTTP);
  }

  /**
   * {@code namespace/name} for an HTTPRoute; another kind's is prefixed with its kind, since every
   * kind may use one name and their statuses, Envoy route names and policies must not mix.
   */
  public String key() {
    return key(kind, namespace, name);
  }

  /** The {@link #key()} of the route of {@code kind} named {@code namespace/name}. */
  public static String key(RouteKind kind, String namespace, String name) {
    return kind == RouteKind.HTTP
        ? namespace + "/" + name
        : kind.kindName() + ":" + namespace + "/" + name;
  }

  /** The route as messages name it: {@code HTTPRoute ns/name}. */
  public String describe() {
    return kind.kindName() + " " + namespace + "/" + name;
  }

  /** What {@link #describe()} says of the route whose {@link #key()} is {@code key}. */
  public static String describeKey(String key) {
    for (RouteKind kind : RouteKind.values()) {
      String prefix = kind.kindName() + ":";
      if (kind != RouteKind.HTTP && key.startsWith(prefix)) {
        return kind.kindName() + " " + key.substring(prefix.length());
      }
    }
    return RouteKind.HTTP.kindName() + " " + key;
  }

  /** Where a route attaches: a Gateway (north-south) or a Service (mesh, GAMMA). */
  public record ParentRef(
      ParentKind kind,
      String namespace,
      String name,
      Optional<String> sectionName,
      OptionalInt port) {
    public ParentRef {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sectionName, "sectionName");
      Objects.requireNonNull(port, "port");
    }

    @Override
    public String toString() {
      return kind.displayName()
          + " "
          + namespace
          + "/"
          + name
          + sectionName.map(s -> "/" + s).orElse("")
          + (port.isPresent() ? ":" + port.getAsInt() : "");
    }
  }

  /** The kinds of parent a route may name. */
  public enum ParentKind {
    GATEWAY("Gateway"),
    SERVICE("Service");

    private final String displayName;

    ParentKind(String displayName) {
      this.displayName = displayName;
    }

    public String displayName() {
      return displayName;
    }
  }

  /**
   * One rule: requests matching any of {@code matches} go to {@code backends} (split by weight), or
   * are redirected.
   *
   * @param index the rule's position in the route, for names and precedence ties
   */
  public record Rule(
      int index,
      List<Match> matches,
      List<BackendRef> backends,
      HeaderChanges requestHeaders,
      HeaderChanges responseHeaders,
      Optional<Redirect> redirect,
      Optional<Rewrite> rewrite,
      List<Mirror> mirrors,
      Optional<Duration> requestTimeout,
      Optional<Duration> backendRequestTimeout,
      Optional<Retry> retry) {
    public Rule {
      matches = List.copyOf(matches);
      backends = List.copyOf(backends);
      Objects.requireNonNull(requestHeaders, "requestHeaders");
      Objects.requireNonNull(responseHeaders, "responseHeaders");
      Objects.requireNonNull(redirect, "redirect");
      Objects.requireNonNull(rewrite, "rewrite");
      mirrors = List.copyOf(mirrors);
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(backendRequestTimeout, "backendRequestTimeout");
      Objects.requireNonNull(retry, "retry");
    }
  }

  /**
   * All conditions of one match must hold; an absent path means prefix {@code /}.
   *
   * @param grpc a GRPCRoute's method match, which {@code path} already expresses; kept for its
   *     precedence (characters in the service, then in the method)
   */
  public record Match(
      PathMatch path,
      List<ValueMatch> headers,
      List<ValueMatch> queryParams,
      Optional<String> method,
      Optional<GrpcMethod> grpc) {
    public static final Match ALL =
        new Match(
            new PathMatch(PathMatch.Type.PREFIX, "/"), List.of(), List.of(), Optional.empty());

    public Match {
      Objects.requireNonNull(path, "path");
      headers = List.copyOf(headers);
      queryParams = List.copyOf(queryParams);
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(grpc, "grpc");
    }

    /** An HTTPRoute match. */
    public Match(
        PathMatch path,
        List<ValueMatch> headers,
        List<ValueMatch> queryParams,
        Optional<String> method) {
      this(path, headers, queryParams, method, Optional.empty());
    }
  }

  /**
   * A GRPCRoute method match: the service, the method or both, exact or by regular expression
   * (RE2); at least one is present.
   */
  public record GrpcMethod(Optional<String> service, Optional<String> method, boolean regex) {
    public GrpcMethod {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(method, "method");
      if (service.isEmpty() && method.isEmpty()) {
        throw new IllegalArgumentException("a method match names a service, a method or both");
      }
    }

    /**
     * The path match a gRPC request's {@code :path} ({@code /service/method}) must satisfy: exact
     * when both are exact, else a regular expression in which a missing part is any segment.
     */
    public PathMatch path() {
      if (!regex && service.isPresent() && method.isPresent()) {
        return new PathMatch(PathMatch.Type.EXACT, "/" + service.get() + "/" + method.get());
      }
      String anySegment = "[^/]+";
      // Exact service names are dotted identifiers: a dot is the one character to escape.
      String s = service.map(v -> regex ? v : v.replace(".", "\\.")).orElse(anySegment);
      String m = method.orElse(anySegment);
      return new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/" + s + "/" + m);
    }
  }

  /** A path match; a prefix matches whole path segments ({@code /foo} matches {@code /foo/bar}). */
  public record PathMatch(Type type, String value) {
    /** Gateway API path match types. */
    public enum Type {
      EXACT,
      PREFIX,
      REGULAR_EXPRESSION
    }

    public PathMatch {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A header or query parameter match, exact or by regular expression (RE2 syntax). */
  public record ValueMatch(String name, boolean regex, String value) {
    public ValueMatch {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A Service port traffic goes to; weight 0 means none.
   *
   * @param unsupportedKind the group/kind named when it is not a core Service: the reference is
   *     kept (its share of traffic gets a 500, {@code ResolvedRefs=False}, {@code InvalidKind}), as
   *     the spec asks, rather than rejecting the route
   */
  public record BackendRef(
      String namespace, String name, int port, int weight, Optional<String> unsupportedKind) {
    public BackendRef {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(unsupportedKind, "unsupportedKind");
    }

    /** A reference to a core Service. */
    public BackendRef(String namespace, String name, int port, int weight) {
      this(namespace, name, port, weight, Optional.empty());
    }

    public ServiceKey service() {
      return new ServiceKey(namespace, name);
    }

    @Override
    public String toString() {
      return namespace + "/" + name + ":" + port;
    }
  }

  /** Header changes: {@code set} overwrites, {@code add} appends, {@code remove} drops. */
  public record HeaderChanges(List<Header> set, List<Header> add, List<String> remove) {
    public static final HeaderChanges NONE = new HeaderChanges(List.of(), List.of(), List.of());

    public HeaderChanges {
      set = List.copyOf(set);
      add = List.copyOf(add);
      remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
      return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }
  }

  /** A header name and value. */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** How a redirect or rewrite changes the path. */
  public record PathModifier(Type type, String value) {
    /** Replace the whole path, or only the part the prefix match matched. */
    public enum Type {
      REPLACE_FULL_PATH,
      REPLACE_PREFIX_MATCH
    }

    public PathModifier {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A redirect answered by the proxy; absent parts keep the request's own. */
  public record Redirect(
      Optional<String> scheme,
      Optional<String> hostname,
      Optional<PathModifier> path,
      OptionalInt port,
      int statusCode) {
    public Redirect {
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(port, "port");
    }
  }

  /** A rewrite of the host and/or path before the request goes upstream. */
  public record Rewrite(Optional<String> hostname, Optional<PathModifier> path) {
    public Rewrite {
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(path, "path");
    }
  }

  /** A copy of the request sent to {@code backend}, answer ignored, for this share of requests. */
  public record Mirror(BackendRef backend, int numerator, int denominator) {
    public Mirror {
      Objects.requireNonNull(backend, "backend");
    }
  }

  /** Retries of a rule: on these status codes, up to {@code attempts}, with a base backoff. */
  public record Retry(List<Integer> codes, OptionalInt attempts, Optional<Duration> backoff) {
    public Retry {
      codes = List.copyOf(codes);
      Objects.requireNonNull(attempts, "attempts");
      Objects.requireNonNull(backoff, "backoff");
    }
  }
}
