package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.HttpRouteState;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The parts the Envoy routes of one virtual host have in common, kept once. The matches of one rule
 * (and a path prefix's two routes) carry equal actions, and one HTTPRoute's routes carry equal
 * per-filter configurations; each route builds its own, and the first equal one is kept in its
 * place. Why build and then drop: a translation's objects all survive into the snapshot, and the
 * garbage collector copies every survivor at least once (half of a translation's time at 50k
 * routes), while a duplicate dropped here dies young, which costs it nothing. Deciding by equality
 * keeps the translation's output what it was, object sharing aside. One per virtual host, on one
 * thread.
 */
final class SharedRouteParts {
  private final Map<AttachedRule, RouteAction> actions = new IdentityHashMap<>();
  private final Map<HttpRouteState, Map<String, Any>> filterConfigs = new IdentityHashMap<>();

  /** {@code built}, or an equal action an earlier route of the same rule has. */
  RouteAction action(AttachedRule rule, RouteAction built) {
    RouteAction earlier = actions.putIfAbsent(rule, built);
    if (earlier == null || earlier == built) {
      return built;
    }
    if (earlier.equals(built)) {
      return earlier;
    }
    actions.put(rule, built); // a prefix rewrite that differs by the trailing slash
    return built;
  }

  /**
   * Builds {@code route}, each of its per-filter configurations an equal one an earlier route of
   * {@code source} has (kept: the map of the route of {@code source} with the most of them so far).
   */
  Route build(HttpRouteState source, Route.Builder route) {
    if (route.getTypedPerFilterConfigCount() == 0) {
      return route.build();
    }
    Map<String, Any> theirs = filterConfigs.get(source);
    if (theirs != null) {
      // A copy of the route's map: replacing a value keeps the key's place.
      route
          .getTypedPerFilterConfigMap()
          .forEach(
              (filter, config) -> {
                Any same = theirs.get(filter);
                if (same != null && same != config && same.equals(config)) {
                  route.putTypedPerFilterConfig(filter, same);
                }
              });
    }
    Route built = route.build();
    if (theirs == null || built.getTypedPerFilterConfigCount() > theirs.size()) {
      filterConfigs.put(source, built.getTypedPerFilterConfigMap()); // the message's own map
    }
    return built;
  }
}
