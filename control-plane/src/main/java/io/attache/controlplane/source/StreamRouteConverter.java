package io.attache.controlplane.source;

import static io.attache.controlplane.source.HttpRouteConverter.orEmpty;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.RouteKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a Gateway API v1 {@code TLSRoute} or {@code TCPRoute} the way its CRD schema would
 * (apis/v1/tlsroute_types.go, tcproute_types.go: exactly one rule with 1–16 backendRefs; a
 * TLSRoute's 1–1024 SNI hostnames) and turns it into an {@link HttpRouteState} of its kind: one
 * rule without matches whose backends take whole connections.
 */
final class StreamRouteConverter {
  private static final int MAX_BACKENDS = 16;
  private static final int MAX_HOSTNAMES = 1024;

  private StreamRouteConverter() {}

  static Optional<HttpRouteState> tls(TLSRoute route, DocumentErrors errors) {
    String name = Metadata.name(route, errors);
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    boolean valid = true;
    int count = orEmpty(spec.getHostnames()).size();
    if (count < 1 || count > MAX_HOSTNAMES) {
      errors.add(
          "spec.hostnames", "must have 1 to " + MAX_HOSTNAMES + " SNI hostnames, was " + count);
      valid = false;
    }
    List<List<BackendRef>> rules =
        orEmpty(spec.getRules()).stream().map(r -> orEmpty(r.getBackendRefs())).toList();
    valid &= oneRule(rules, errors);
    return HttpRouteConverter.route(
        route,
        name,
        RouteKind.TLS,
        spec.getParentRefs(),
        spec.getHostnames(),
        rules,
        StreamRouteConverter::rule,
        valid,
        errors);
  }

  static Optional<HttpRouteState> tcp(TCPRoute route, DocumentErrors errors) {
    String name = Metadata.name(route, errors);
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    List<List<BackendRef>> rules =
        orEmpty(spec.getRules()).stream().map(r -> orEmpty(r.getBackendRefs())).toList();
    return HttpRouteConverter.route(
        route,
        name,
        RouteKind.TCP,
        spec.getParentRefs(),
        List.of(),
        rules,
        StreamRouteConverter::rule,
        oneRule(rules, errors),
        errors);
  }

  private static boolean oneRule(List<List<BackendRef>> rules, DocumentErrors errors) {
    if (rules.size() != 1) {
      errors.add("spec.rules", "must have exactly one rule, was " + rules.size());
      return false;
    }
    return true;
  }

  /** One rule's backendRefs (1 to 16), as a rule without matches. */
  private static Optional<HttpRouteState.Rule> rule(
      List<BackendRef> refs, int index, String namespace, String path, DocumentErrors errors) {
    boolean valid = true;
    if (refs.isEmpty() || refs.size() > MAX_BACKENDS) {
      errors.add(
          path + ".backendRefs", "must have 1 to " + MAX_BACKENDS + " items, was " + refs.size());
      valid = false;
    }
    List<HttpRouteState.BackendRef> backends = new ArrayList<>();
    valid &=
        HttpRouteConverter.backendRefs(
            refs.stream()
                .map(
                    r ->
                        new HttpRouteConverter.BackendRefSpec(
                            r.getGroup(),
                            r.getKind(),
                            r.getName(),
                            r.getNamespace(),
                            r.getPort(),
                            r.getWeight(),
                            false))
                .toList(),
            namespace,
            path,
            errors,
            backends);
    if (!valid) {
      return Optional.empty();
    }
    return Optional.of(
        new HttpRouteState.Rule(
            index,
            List.of(),
            backends,
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
  }
}
