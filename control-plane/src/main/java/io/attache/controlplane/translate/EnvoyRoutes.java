package io.attache.controlplane.translate;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.GrpcMethod;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.Match;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.HttpRouteState.PathModifier;
import io.attache.controlplane.model.HttpRouteState.ValueMatch;
import io.attache.controlplane.model.RouteKind;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns the accepted rules for one host into Envoy routes, in Gateway API precedence order: exact
 * paths, then regular expressions, then prefixes by length; then a method match, more header
 * matches, more query matches; ties go to the older route, then by namespace/name, then rule and
 * match order. A path prefix matches whole segments: {@code /foo} becomes the exact path {@code
 * /foo} and the prefix {@code /foo/}, which every xDS client understands.
 */
final class EnvoyRoutes {
  /** A weighted-cluster entry no cluster is named after: its share of requests gets a 500. */
  static final String UNRESOLVED_BACKEND = "attache.unresolved-backend";

  private static final Comparator<Entry> HTTP_MATCH =
      Comparator.comparingInt((Entry e) -> -pathRank(e.match().path()))
          .thenComparingInt(e -> -pathLength(e.match().path()))
          .thenComparingInt(e -> e.match().method().isPresent() ? 0 : 1)
          .thenComparingInt(e -> -e.match().headers().size())
          .thenComparingInt(e -> -e.match().queryParams().size());

  // apis/v1/grpcroute_types.go, GRPCRouteRule.matches: characters in the service, then in the
  // method, then header matches (hostnames are the virtual hosts' business).
  private static final Comparator<Entry> GRPC_MATCH =
      Comparator.comparingInt((Entry e) -> -grpcLength(e, GrpcMethod::service))
          .thenComparingInt(e -> -grpcLength(e, GrpcMethod::method))
          .thenComparingInt(e -> -e.match().headers().size());

  // HTTPRoutes and GRPCRoutes share a host only where no Gateway listener is involved (a mesh
  // Service): HTTPRoutes come first there, and the two kinds' rules are never merged.
  private static final Comparator<Entry> PRECEDENCE =
      Comparator.comparing((Entry e) -> e.rule().route().kind())
          // an attache.io/precedence annotation (Emissary's precedence) first; 0 unless given
          .thenComparingInt(e -> -e.rule().route().extensions().precedence())
          .thenComparing(
              (a, b) ->
                  a.rule().route().kind() == RouteKind.GRPC
                      ? GRPC_MATCH.compare(a, b)
                      : HTTP_MATCH.compare(a, b))
          .thenComparing(e -> e.rule().route().created())
          .thenComparing(e -> e.rule().route().namespace() + "/" + e.rule().route().name())
          .thenComparingInt(e -> e.rule().rule().index())
          .thenComparingInt(Entry::matchIndex);

  private static int grpcLength(
      Entry entry, java.util.function.Function<GrpcMethod, Optional<String>> part) {
    return entry.match().grpc().flatMap(part).map(String::length).orElse(0);
  }

  private EnvoyRoutes() {}

  private record Entry(AttachedRule rule, Match match, int matchIndex) {}

  static List<Route> of(List<AttachedRule> rules, RouteContext context) {
    List<Entry> entries = new ArrayList<>();
    for (AttachedRule rule : rules) {
      List<Match> matches =
          rule.rule().matches().isEmpty() ? List.of(Match.ALL) : rule.rule().matches();
      for (int i = 0; i < matches.size(); i++) {
        entries.add(new Entry(rule, matches.get(i), i));
      }
    }
    entries.sort(PRECEDENCE);
    List<Route> routes = new ArrayList<>();
    SharedRouteParts shared = new SharedRouteParts();
    for (Entry entry : entries) {
      routes.addAll(routes(entry, context, shared));
    }
    return routes;
  }

  /** A prefix's trailing slash is ignored (it matches the same paths), so it does not count. */
  private static int pathLength(PathMatch path) {
    return path.type() == PathMatch.Type.PREFIX
        ? trimTrailingSlash(path.value()).length()
        : path.value().length();
  }

  private static int pathRank(PathMatch path) {
    return switch (path.type()) {
      case EXACT -> 3;
      case REGULAR_EXPRESSION -> 2;
      case PREFIX -> 1;
    };
  }

  private static List<Route> routes(Entry entry, RouteContext context, SharedRouteParts shared) {
    String name =
        entry.rule().route().key()
            + "/rule/"
            + entry.rule().rule().index()
            + "/match/"
            + entry.matchIndex();
    PathMatch path = entry.match().path();
    // The headers and query parameters, built once: a path prefix's two routes share them.
    RouteMatch conditions = conditions(entry.match());
    List<Route> routes = new ArrayList<>(2);
    if (path.type() == PathMatch.Type.PREFIX && entry.rule().route().extensions().stringPrefix()) {
      // Emissary's prefix: Envoy's string prefix as written, one route, rewritten as written.
      routes.add(
          route(
              name, entry, conditions.toBuilder().setPrefix(path.value()), false, context, shared));
    } else if (path.type() == PathMatch.Type.PREFIX && !path.value().equals("/")) {
      String segment = trimTrailingSlash(path.value());
      routes.add(
          route(name, entry, conditions.toBuilder().setPath(segment), false, context, shared));
      routes.add(
          route(
              name, entry, conditions.toBuilder().setPrefix(segment + "/"), true, context, shared));
    } else {
      RouteMatch.Builder match = conditions.toBuilder();
      switch (path.type()) {
        case EXACT -> match.setPath(path.value());
        case PREFIX -> match.setPrefix("/");
        case REGULAR_EXPRESSION -> match.setSafeRegex(regex(path.value()));
      }
      routes.add(route(name, entry, match, path.type() == PathMatch.Type.PREFIX, context, shared));
    }
    return routes;
  }

  /** A match's headers (its method as {@code :method}) and query parameters, without its path. */
  private static RouteMatch conditions(Match match) {
    if (match.headers().isEmpty() && match.method().isEmpty() && match.queryParams().isEmpty()) {
      return RouteMatch.getDefaultInstance();
    }
    RouteMatch.Builder conditions = RouteMatch.newBuilder();
    for (ValueMatch header : match.headers()) {
      conditions.addHeaders(
          HeaderMatcher.newBuilder().setName(header.name()).setStringMatch(string(header)));
    }
    match.method().ifPresent(method -> conditions.addHeaders(SmallValues.methodMatcher(method)));
    for (ValueMatch query : match.queryParams()) {
      conditions.addQueryParameters(
          QueryParameterMatcher.newBuilder().setName(query.name()).setStringMatch(string(query)));
    }
    return conditions.build();
  }

  private static String trimTrailingSlash(String path) {
    String trimmed = path;
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  /**
   * @param slashFollows whether this route's prefix ends with a slash after the Gateway API prefix
   *     (which ReplacePrefixMatch must keep)
   */
  private static Route route(
      String name,
      Entry entry,
      RouteMatch.Builder match,
      boolean slashFollows,
      RouteContext context,
      SharedRouteParts shared) {
    HttpRouteState.Rule rule = entry.rule().rule();
    HttpRouteState source = entry.rule().route();
    Route.Builder route = Route.newBuilder().setName(name).setMatch(match);
    // Checked here: most rules change no header, and each call took two method references.
    if (!rule.requestHeaders().isEmpty()) {
      addHeaders(
          rule.requestHeaders(), route::addRequestHeadersToAdd, route::addRequestHeadersToRemove);
    }
    if (!rule.responseHeaders().isEmpty()) {
      addHeaders(
          rule.responseHeaders(),
          route::addResponseHeadersToAdd,
          route::addResponseHeadersToRemove);
    }
    if (rule.redirect().isPresent() && context.listener().isEmpty()) {
      // An API listener's (proxyless gRPC clients only): gRPC follows no redirect, and grpc-java
      // refuses a whole RouteConfiguration holding one ("unknown action type"), so the call fails
      // UNAVAILABLE through the cluster no one serves.
      RouteAction.Builder unavailable = RouteAction.newBuilder().setCluster(UNRESOLVED_BACKEND);
      RouteFilters.apply(route, Optional.of(unavailable), source, context);
      return shared.build(source, route.setRoute(unavailable));
    }
    if (rule.redirect().isPresent()) {
      RouteFilters.apply(route, Optional.empty(), source, context);
      return shared.build(
          source,
          route.setRedirect(redirect(rule.redirect().get(), slashFollows, context.listener())));
    }
    // Loops, not streams: this runs for each of hundreds of thousands of routes.
    List<AttachedRule.WeightedCluster> live = new ArrayList<>(entry.rule().backends().size());
    Optional<String> firstCluster = Optional.empty();
    boolean anyUnresolved = false;
    for (AttachedRule.WeightedCluster backend : entry.rule().backends()) {
      if (backend.weight() > 0) {
        live.add(backend);
        anyUnresolved |= backend.cluster().isEmpty();
        firstCluster = firstCluster.isPresent() ? firstCluster : backend.cluster();
      }
    }
    boolean grpc = entry.rule().route().kind() == RouteKind.GRPC;
    if (firstCluster.isEmpty() && (grpc || context.listener().isEmpty())) {
      // No backend (or none that resolves): UNAVAILABLE for a GRPCRoute, as the spec says. A
      // cluster no one serves gives it to both clients: Envoy answers its
      // cluster_not_found_response_code (503, which gRPC reads as UNAVAILABLE), and a proxyless
      // client fails the call UNAVAILABLE itself. An API listener's routes (proxyless clients
      // only) never get a direct response, for which grpc-java refuses the whole
      // RouteConfiguration.
      RouteAction.Builder unavailable =
          RouteAction.newBuilder()
              .setCluster(UNRESOLVED_BACKEND)
              .setClusterNotFoundResponseCode(
                  grpc
                      ? RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE
                      : RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
      RouteFilters.apply(route, Optional.of(unavailable), source, context);
      return shared.build(source, route.setRoute(unavailable));
    }
    if (firstCluster.isEmpty()) {
      // No backend (or none that resolves) can take the request: the spec says 500.
      RouteFilters.apply(route, Optional.empty(), source, context);
      return shared.build(
          source, route.setDirectResponse(DirectResponseAction.newBuilder().setStatus(500)));
    }
    RouteAction.Builder action = RouteAction.newBuilder();
    if (live.size() == 1) {
      action.setCluster(live.get(0).cluster().orElseThrow());
    } else {
      WeightedCluster.Builder split = WeightedCluster.newBuilder();
      for (AttachedRule.WeightedCluster backend : live) {
        split.addClusters(
            WeightedCluster.ClusterWeight.newBuilder()
                .setName(backend.cluster().orElse(UNRESOLVED_BACKEND))
                .setWeight(SmallValues.uint32(backend.weight())));
      }
      action.setWeightedClusters(split);
      if (anyUnresolved) {
        action.setClusterNotFoundResponseCode(
            grpc
                ? RouteAction.ClusterNotFoundResponseCode.SERVICE_UNAVAILABLE
                : RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
      }
    }
    rule.rewrite()
        .ifPresent(
            rewrite -> {
              rewrite.hostname().ifPresent(action::setHostRewriteLiteral);
              rewrite.path().ifPresent(p -> rewritePath(action, p, slashFollows));
            });
    for (AttachedRule.MirrorCluster mirror : entry.rule().mirrors()) {
      action.addRequestMirrorPolicies(
          RouteAction.RequestMirrorPolicy.newBuilder()
              .setCluster(mirror.cluster())
              .setRuntimeFraction(
                  RuntimeFractionalPercent.newBuilder()
                      .setDefaultValue(
                          FractionalPercent.newBuilder()
                              .setNumerator(
                                  (int)
                                      ((long) mirror.numerator()
                                          * 1_000_000
                                          / mirror.denominator()))
                              .setDenominator(FractionalPercent.DenominatorType.MILLION))));
    }
    rule.requestTimeout().ifPresent(t -> action.setTimeout(duration(t)));
    retryPolicy(rule).ifPresent(action::setRetryPolicy);
    PolicySettings.forRule(context.policies(), entry.rule(), firstCluster)
        .ifPresent(policy -> PolicySettings.applyToRoute(action, policy));
    RouteFilters.apply(route, Optional.of(action), source, context);
    return shared.build(source, route.setRoute(shared.action(entry.rule(), action.build())));
  }

  private static Optional<RetryPolicy> retryPolicy(HttpRouteState.Rule rule) {
    if (rule.retry().isEmpty() && rule.backendRequestTimeout().isEmpty()) {
      return Optional.empty();
    }
    RetryPolicy.Builder policy = RetryPolicy.newBuilder();
    rule.backendRequestTimeout().ifPresent(t -> policy.setPerTryTimeout(duration(t)));
    if (rule.retry().isEmpty()) {
      // Only a per-try timeout: Envoy would retry once by default, the rule asked for no retry.
      return Optional.of(policy.setNumRetries(UInt32Value.of(0)).build());
    }
    HttpRouteState.Retry retry = rule.retry().get();
    StringBuilder on = new StringBuilder("connect-failure,refused-stream,reset");
    if (!retry.codes().isEmpty()) {
      on.append(",retriable-status-codes");
      retry.codes().forEach(policy::addRetriableStatusCodes);
    }
    policy.setRetryOn(on.toString());
    retry.attempts().ifPresent(a -> policy.setNumRetries(UInt32Value.of(a)));
    retry
        .backoff()
        .ifPresent(
            b ->
                policy.setRetryBackOff(
                    RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(duration(b))));
    return Optional.of(policy.build());
  }

  private static void rewritePath(
      RouteAction.Builder action, PathModifier path, boolean slashFollows) {
    if (path.type() == PathModifier.Type.REPLACE_FULL_PATH) {
      action.setRegexRewrite(
          RegexMatchAndSubstitute.newBuilder()
              .setPattern(regex("^/.*$"))
              .setSubstitution(path.value()));
    } else {
      action.setPrefixRewrite(prefixReplacement(path.value(), slashFollows));
    }
  }

  /**
   * Envoy replaces the prefix it matched; when that prefix included the slash after the Gateway API
   * prefix, the replacement must keep one: {@code /foo} → {@code /bar} turns {@code /foo/x} into
   * {@code /bar/x}, and {@code /foo} → {@code /} turns it into {@code /x}.
   */
  private static String prefixReplacement(String replacement, boolean slashFollows) {
    if (!slashFollows) {
      return replacement;
    }
    return replacement.endsWith("/") ? replacement : replacement + "/";
  }

  private static RedirectAction redirect(
      HttpRouteState.Redirect redirect,
      boolean slashFollows,
      Optional<RouteAttachments.GatewayPort> listener) {
    RedirectAction.Builder action = RedirectAction.newBuilder();
    redirect.scheme().ifPresent(action::setSchemeRedirect);
    redirect.hostname().ifPresent(action::setHostRedirect);
    OptionalInt port =
        listener.isPresent() ? redirectPort(redirect, listener.get()) : redirect.port();
    if (port.isPresent()) {
      action.setPortRedirect(port.getAsInt());
    }
    redirect
        .path()
        .ifPresent(
            path -> {
              if (path.type() == PathModifier.Type.REPLACE_FULL_PATH) {
                action.setPathRedirect(path.value());
              } else {
                action.setPrefixRewrite(prefixReplacement(path.value(), slashFollows));
              }
            });
    action.setResponseCode(
        switch (redirect.statusCode()) {
          case 301 -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
          case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
          case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
          case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
          default -> RedirectAction.RedirectResponseCode.FOUND;
        });
    return action.build();
  }

  /**
   * The {@code port_redirect} that gives the Location header the port the Gateway API asks for
   * (apis/v1/httproute_types.go, HTTPRequestRedirectFilter.port): the filter's port, else the
   * well-known port of its scheme (http 80, https 443), else the listener's port; and no port in
   * the Location when it is the well-known one of the resulting scheme.
   *
   * <p>Envoy appends {@code port_redirect} to the Location whenever it is set; without it, it keeps
   * the request's Host with its port (dropping only a well-known one when the scheme changes), or
   * uses {@code host_redirect} with no port. So a well-known port is left out unless the request's
   * Host would carry the listener's other port, where naming it is the only way to replace that.
   */
  private static OptionalInt redirectPort(
      HttpRouteState.Redirect redirect, RouteAttachments.GatewayPort listener) {
    String listenerScheme = listener.protocol() == GatewayState.Protocol.HTTPS ? "https" : "http";
    String scheme = redirect.scheme().orElse(listenerScheme);
    int port =
        redirect.port().isPresent()
            ? redirect.port().getAsInt()
            : redirect.scheme().isPresent() ? wellKnownPort(scheme) : listener.port();
    if (port != wellKnownPort(scheme)) {
      return OptionalInt.of(port);
    }
    boolean hostCarriesListenerPort =
        redirect.hostname().isEmpty() && listener.port() != wellKnownPort(listenerScheme);
    return hostCarriesListenerPort ? OptionalInt.of(port) : OptionalInt.empty();
  }

  private static int wellKnownPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  private static void addHeaders(
      HeaderChanges changes,
      java.util.function.Consumer<HeaderValueOption> add,
      java.util.function.Consumer<String> remove) {
    changes
        .set()
        .forEach(h -> add.accept(header(h, HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    changes.add().forEach(h -> add.accept(header(h, HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)));
    changes.remove().forEach(remove);
  }

  private static HeaderValueOption header(HttpRouteState.Header header, HeaderAppendAction action) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(header.name()).setValue(header.value()))
        .setAppendAction(action)
        .build();
  }

  private static StringMatcher string(ValueMatch match) {
    return match.regex()
        ? StringMatcher.newBuilder().setSafeRegex(regex(match.value())).build()
        : StringMatcher.newBuilder().setExact(match.value()).build();
  }

  static RegexMatcher regex(String pattern) {
    return RegexMatcher.newBuilder().setRegex(pattern).build();
  }

  static Duration duration(java.time.Duration duration) {
    return Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }
}
