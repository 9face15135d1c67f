package io.attache.controlplane.translate;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import io.attache.controlplane.model.RouteExtensions;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Optional;

/**
 * A route's {@link RouteExtensions} that change its match and action, as Emissary's v3route.py
 * writes them: {@code case_sensitive: false} on the match, the route's {@code idle_timeout}, and a
 * {@code regex_rewrite} in place of the prefix rewrite, and {@code method_regex} and {@code
 * host_regex} as regular-expression matches of {@code :method} and {@code :authority}.
 */
final class RouteExtras {
  private RouteExtras() {}

  /** As v3route.py matches method_regex and host_regex: a pseudo-header by safe_regex. */
  private static HeaderMatcher matcher(String header, String regex) {
    return HeaderMatcher.newBuilder()
        .setName(header)
        .setStringMatch(
            StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)))
        .build();
  }

  static void apply(
      Route.Builder route, Optional<RouteAction.Builder> action, RouteExtensions ext) {
    if (ext.caseInsensitive()) {
      route.getMatchBuilder().setCaseSensitive(BoolValue.of(false));
    }
    ext.methodRegex()
        .ifPresent(regex -> route.getMatchBuilder().addHeaders(matcher(":method", regex)));
    ext.authorityRegex()
        .ifPresent(regex -> route.getMatchBuilder().addHeaders(matcher(":authority", regex)));
    if (action.isEmpty()) {
      return;
    }
    ext.idleTimeout()
        .ifPresent(
            idle ->
                action
                    .get()
                    .setIdleTimeout(
                        Duration.newBuilder()
                            .setSeconds(idle.getSeconds())
                            .setNanos(idle.getNano())));
    ext.regexRewrite()
        .ifPresent(
            rewrite ->
                action
                    .get()
                    .clearPrefixRewrite()
                    .setRegexRewrite(
                        RegexMatchAndSubstitute.newBuilder()
                            .setPattern(RegexMatcher.newBuilder().setRegex(rewrite.pattern()))
                            .setSubstitution(rewrite.substitution())));
  }
}
