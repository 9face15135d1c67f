package io.attache.controlplane.source;

import static io.attache.controlplane.source.HttpRouteConverter.orEmpty;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.GrpcMethod;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.Match;
import io.attache.controlplane.model.HttpRouteState.ValueMatch;
import io.attache.controlplane.model.RouteKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Gateway API v1 {@code GRPCRoute} the way its CRD schema and CEL rules would
 * (apis/v1/grpcroute_types.go) and turns it into an {@link HttpRouteState} of kind {@link
 * RouteKind#GRPC}: a method match becomes the path match on {@code /service/method} it means.
 * Parents, hostnames, header matches and filters, mirrors and backends are checked as an
 * HTTPRoute's are; ExtensionRef filters, filters on a backendRef and session persistence are errors
 * rather than silently ignored.
 */
final class GrpcRouteConverter {
  // The CEL rules of GRPCMethodMatch for type Exact.
  private static final Pattern SERVICE =
      Pattern.compile("^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$");
  private static final Pattern METHOD = Pattern.compile("^[A-Za-z_][A-Za-z_0-9]*$");
  private static final int MAX_LENGTH = 1024;
  private static final int MAX_RULES = 16;
  private static final int MAX_MATCHES = 64;
  private static final int MAX_TOTAL_MATCHES = 128;

  private GrpcRouteConverter() {}

  static Optional<HttpRouteState> convert(GRPCRoute route, DocumentErrors errors) {
    String name = Metadata.name(route, errors);
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    boolean valid = true;
    // Unlike an HTTPRoute's, a GRPCRoute's rules have no default: none routes nothing.
    List<GRPCRouteRule> specRules = orEmpty(spec.getRules());
    if (specRules.size() > MAX_RULES) {
      errors.add("spec.rules", "must have at most " + MAX_RULES + " items");
      valid = false;
    }
    int totalMatches = specRules.stream().mapToInt(r -> orEmpty(r.getMatches()).size()).sum();
    if (totalMatches > MAX_TOTAL_MATCHES) {
      errors.add(
          "spec.rules",
          "the total number of matches across all rules must be at most "
              + MAX_TOTAL_MATCHES
              + ", was "
              + totalMatches);
      valid = false;
    }
    return HttpRouteConverter.route(
        route,
        name,
        RouteKind.GRPC,
        spec.getParentRefs(),
        spec.getHostnames(),
        specRules,
        GrpcRouteConverter::rule,
        valid,
        errors);
  }

  private static Optional<HttpRouteState.Rule> rule(
      GRPCRouteRule rule, int index, String namespace, String path, DocumentErrors errors) {
    boolean valid = true;
    if (rule.getSessionPersistence() != null) {
      errors.add(path + ".sessionPersistence", "not supported by this control plane");
      valid = false;
    }
    List<Match> matches = new ArrayList<>();
    List<GRPCRouteMatch> specMatches = orEmpty(rule.getMatches());
    if (specMatches.size() > MAX_MATCHES) {
      errors.add(path + ".matches", "must have at most " + MAX_MATCHES + " items");
      valid = false;
    }
    for (int i = 0; i < specMatches.size(); i++) {
      Optional<Match> match = match(specMatches.get(i), path + ".matches[" + i + "]", errors);
      valid &= match.isPresent();
      match.ifPresent(matches::add);
    }
    List<BackendRef> backends = new ArrayList<>();
    valid &=
        HttpRouteConverter.backendRefs(
            orEmpty(rule.getBackendRefs()).stream()
                .map(
                    r ->
                        new HttpRouteConverter.BackendRefSpec(
                            r.getGroup(),
                            r.getKind(),
                            r.getName(),
                            r.getNamespace(),
                            r.getPort(),
                            r.getWeight(),
                            !orEmpty(r.getFilters()).isEmpty()))
                .toList(),
            namespace,
            path,
            errors,
            backends);
    Filters filters = filters(orEmpty(rule.getFilters()), namespace, path, errors);
    if (!valid || !filters.valid()) {
      return Optional.empty();
    }
    return Optional.of(
        new HttpRouteState.Rule(
            index,
            matches,
            backends,
            filters.requestHeaders(),
            filters.responseHeaders(),
            Optional.empty(),
            Optional.empty(),
            filters.mirrors(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
  }

  private record Filters(
      boolean valid,
      HeaderChanges requestHeaders,
      HeaderChanges responseHeaders,
      List<HttpRouteState.Mirror> mirrors) {}

  private static Filters filters(
      List<GRPCRouteFilter> filters, String namespace, String path, DocumentErrors errors) {
    boolean valid = true;
    HeaderChanges requestHeaders = HeaderChanges.NONE;
    HeaderChanges responseHeaders = HeaderChanges.NONE;
    List<HttpRouteState.Mirror> mirrors = new ArrayList<>();
    Set<String> seenTypes = new HashSet<>();
    for (int i = 0; i < filters.size(); i++) {
      GRPCRouteFilter filter = filters.get(i);
      String at = path + ".filters[" + i + "]";
      String type = filter.getType() == null ? "" : filter.getType();
      if (!type.equals("RequestMirror") && !seenTypes.add(type)) {
        errors.add(at + ".type", type + " filter cannot be repeated");
        valid = false;
        continue;
      }
      switch (type) {
        case "RequestHeaderModifier" -> {
          Optional<HeaderChanges> changes =
              HttpRouteConverter.headerChanges(
                  filter.getRequestHeaderModifier(), at + ".requestHeaderModifier", errors);
          valid &= changes.isPresent();
          requestHeaders = changes.orElse(HeaderChanges.NONE);
        }
        case "ResponseHeaderModifier" -> {
          Optional<HeaderChanges> changes =
              HttpRouteConverter.headerChanges(
                  filter.getResponseHeaderModifier(), at + ".responseHeaderModifier", errors);
          valid &= changes.isPresent();
          responseHeaders = changes.orElse(HeaderChanges.NONE);
        }
        case "RequestMirror" -> {
          Optional<HttpRouteState.Mirror> mirror =
              HttpRouteConverter.mirror(
                  filter.getRequestMirror(), namespace, at + ".requestMirror", errors);
          valid &= mirror.isPresent();
          mirror.ifPresent(mirrors::add);
        }
        default -> {
          errors.add(
              at + ".type",
              "must be RequestHeaderModifier, ResponseHeaderModifier or RequestMirror"
                  + " (ExtensionRef is not supported), was '"
                  + type
                  + "'");
          valid = false;
        }
      }
    }
    return new Filters(valid, requestHeaders, responseHeaders, mirrors);
  }

  private static Optional<Match> match(GRPCRouteMatch match, String path, DocumentErrors errors) {
    boolean valid = true;
    Optional<GrpcMethod> method = Optional.empty();
    if (match.getMethod() != null) {
      method = method(match.getMethod(), path + ".method", errors);
      valid = method.isPresent();
    }
    List<ValueMatch> headers = new ArrayList<>();
    valid &=
        HttpRouteConverter.valueMatches(
            orEmpty(match.getHeaders()).stream()
                .map(
                    h ->
                        new HttpRouteConverter.ValueMatchSpec(
                            h.getName(), h.getType(), h.getValue()))
                .toList(),
            true,
            path + ".headers",
            errors,
            headers);
    if (!valid) {
      return Optional.empty();
    }
    HttpRouteState.PathMatch pathMatch =
        method
            .map(GrpcMethod::path)
            .orElse(new HttpRouteState.PathMatch(HttpRouteState.PathMatch.Type.PREFIX, "/"));
    return Optional.of(new Match(pathMatch, headers, List.of(), Optional.empty(), method));
  }

  private static Optional<GrpcMethod> method(
      GRPCMethodMatch method, String path, DocumentErrors errors) {
    String type = method.getType() == null ? "Exact" : method.getType();
    Optional<String> service = Optional.ofNullable(method.getService());
    Optional<String> name = Optional.ofNullable(method.getMethod());
    boolean valid = true;
    if (!type.equals("Exact") && !type.equals("RegularExpression")) {
      errors.add(path + ".type", "must be Exact or RegularExpression, was '" + type + "'");
      return Optional.empty();
    }
    if (service.isEmpty() && name.isEmpty()) {
      errors.add(path, "One or both of 'service' or 'method' must be specified");
      return Optional.empty();
    }
    boolean regex = type.equals("RegularExpression");
    valid &= part(service, "service", SERVICE, regex, path, errors);
    valid &= part(name, "method", METHOD, regex, path, errors);
    return valid ? Optional.of(new GrpcMethod(service, name, regex)) : Optional.empty();
  }

  private static boolean part(
      Optional<String> value,
      String field,
      Pattern exact,
      boolean regex,
      String path,
      DocumentErrors errors) {
    if (value.isEmpty()) {
      return true;
    }
    String at = path + "." + field;
    if (value.get().length() > MAX_LENGTH) {
      errors.add(at, "must be at most " + MAX_LENGTH + " characters");
      return false;
    }
    if (regex) {
      return HttpRouteConverter.regex(value.get(), at, errors);
    }
    if (!exact.matcher(value.get()).matches()) {
      errors.add(
          at,
          field
              + " must only contain valid characters (matching "
              + exact.pattern()
              + "), was '"
              + value.get()
              + "'");
      return false;
    }
    return true;
  }
}
