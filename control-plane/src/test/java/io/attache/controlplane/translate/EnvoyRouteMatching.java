package io.attache.controlplane.translate;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks the route Envoy would pick for a request, for tests that replay the conformance suite's
 * requests against translated routes: the first route in order whose path match (exact, prefix or
 * safe regex, case-sensitive) and header matchers (exact or safe regex) all hold. No Envoy can run
 * here; this reads only the fields the translator sets.
 */
final class EnvoyRouteMatching {
  private EnvoyRouteMatching() {}

  /**
   * The virtual host Envoy picks for {@code host}: an exact domain, else the longest suffix
   * wildcard ({@code *.example.com}), else {@code *}.
   */
  static Optional<VirtualHost> virtualHost(RouteConfiguration config, String host) {
    VirtualHost best = null;
    int bestRank = -1;
    for (VirtualHost candidate : config.getVirtualHostsList()) {
      for (String domain : candidate.getDomainsList()) {
        int rank =
            domain.equals(host)
                ? Integer.MAX_VALUE
                : domain.startsWith("*.") && host.endsWith(domain.substring(1))
                    ? domain.length()
                    : domain.equals("*") ? 0 : -1;
        if (rank > bestRank) {
          best = candidate;
          bestRank = rank;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** As {@link #target(List, String, Map)}, the virtual host chosen by {@code host} first. */
  static String target(
      RouteConfiguration config, String host, String path, Map<String, String> headers) {
    return virtualHost(config, host)
        .map(v -> target(v.getRoutesList(), path, headers))
        .orElse("404");
  }

  static Optional<Route> route(List<Route> routes, String path, Map<String, String> headers) {
    return routes.stream().filter(r -> matches(r.getMatch(), path, headers)).findFirst();
  }

  /** The cluster of the route taken, {@code answer N} for a direct response, or {@code 404}. */
  static String target(List<Route> routes, String path, Map<String, String> headers) {
    return route(routes, path, headers)
        .map(
            r ->
                r.hasDirectResponse()
                    ? "answer " + r.getDirectResponse().getStatus()
                    : r.hasRedirect() ? "redirect" : r.getRoute().getCluster())
        .orElse("404");
  }

  private static boolean matches(RouteMatch match, String path, Map<String, String> headers) {
    boolean pathMatches =
        switch (match.getPathSpecifierCase()) {
          case PREFIX -> path.startsWith(match.getPrefix());
          case PATH -> path.equals(match.getPath());
          case SAFE_REGEX -> Pattern.matches(match.getSafeRegex().getRegex(), path);
          default -> false;
        };
    if (!pathMatches) {
      return false;
    }
    for (HeaderMatcher header : match.getHeadersList()) {
      String value = header(headers, header.getName());
      if (value == null || !matches(header.getStringMatch(), value)) {
        return false;
      }
    }
    return true;
  }

  private static String header(Map<String, String> headers, String name) {
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey().toLowerCase(Locale.ROOT).equals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static boolean matches(StringMatcher matcher, String value) {
    return switch (matcher.getMatchPatternCase()) {
      case EXACT -> value.equals(matcher.getExact());
      case SAFE_REGEX -> Pattern.matches(matcher.getSafeRegex().getRegex(), value);
      default -> false;
    };
  }
}
