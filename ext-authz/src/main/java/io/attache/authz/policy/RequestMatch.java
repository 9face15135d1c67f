package io.attache.authz.policy;

import io.attache.authz.core.CheckInput;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which requests a policy covers. Empty lists match everything. Hosts compare case-insensitively,
 * without port, and {@code *.example.com} matches any subdomain; {@code routes} match the route
 * name Envoy or Emissary passes in {@code context_extensions} ({@code route}, {@code mapping} or
 * {@code name}). {@code targets} come from the policy's {@code targetRefs}: the HTTPRoutes ({@code
 * httproute/<namespace>/<name>}) and Gateways ({@code gateway/<namespace>/<name>}) whose routes the
 * control plane sends here, naming them in {@code context_extensions} under {@link #ROUTE_KEY} and
 * {@link #GATEWAY_KEY}.
 */
public record RequestMatch(
    List<String> hosts,
    List<PathMatch> paths,
    Set<String> methods,
    Set<String> routes,
    Set<String> targets) {
  /** The context extension in which the control plane names the request's HTTPRoute. */
  public static final String ROUTE_KEY = "attache.io/route";

  /** The context extension in which the control plane names the request's Gateway. */
  public static final String GATEWAY_KEY = "attache.io/gateway";

  public RequestMatch {
    hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    paths = List.copyOf(paths);
    methods = Set.copyOf(methods);
    routes = Set.copyOf(routes);
    targets = Set.copyOf(targets);
  }

  public RequestMatch(
      List<String> hosts, List<PathMatch> paths, Set<String> methods, Set<String> routes) {
    this(hosts, paths, methods, routes, Set.of());
  }

  public static final RequestMatch ALL = new RequestMatch(List.of(), List.of(), Set.of(), Set.of());

  public boolean matches(CheckInput input) {
    return hostMatches(input.request().host())
        && pathMatches(input.request().path())
        && (methods.isEmpty()
            || methods.contains(input.request().method().toUpperCase(Locale.ROOT)))
        && (routes.isEmpty() || routeMatches(input))
        && (targets.isEmpty() || targetMatches(input));
  }

  /** A loop, not a stream: every policy tried runs this on every request. */
  private boolean pathMatches(String path) {
    if (paths.isEmpty()) {
      return true;
    }
    for (PathMatch match : paths) {
      if (match.matches(path)) {
        return true;
      }
    }
    return false;
  }

  private boolean targetMatches(CheckInput input) {
    String route = input.contextExtensions().get(ROUTE_KEY);
    String gateway = input.contextExtensions().get(GATEWAY_KEY);
    return (route != null && targets.contains("httproute/" + route))
        || (gateway != null && targets.contains("gateway/" + gateway));
  }

  private boolean hostMatches(String authority) {
    if (hosts.isEmpty()) {
      return true;
    }
    String host = stripPort(authority.toLowerCase(Locale.ROOT));
    for (String pattern : hosts) {
      if (pattern.equals("*") || pattern.equals(host)) {
        return true;
      }
      if (pattern.startsWith("*.") && host.endsWith(pattern.substring(1))) {
        return true;
      }
    }
    return false;
  }

  private boolean routeMatches(CheckInput input) {
    for (String key : List.of("route", "mapping", "name")) {
      String value = input.contextExtensions().get(key);
      if (value != null && routes.contains(value)) {
        return true;
      }
    }
    return false;
  }

  private static String stripPort(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end > 0 ? authority.substring(0, end + 1) : authority;
    }
    int colon = authority.lastIndexOf(':');
    return colon > 0 ? authority.substring(0, colon) : authority;
  }
}
