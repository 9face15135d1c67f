package io.attache.controlplane.source;

import static io.attache.controlplane.source.HttpRouteConverter.orEmpty;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.RouteKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    List<String> hostnames = new ArrayList<>();
    boolean valid = HttpRouteConverter.hostnames(spec.getHostnames(), errors, hostnames);
    int count = orEmpty(spec.getHostnames()).size();
    if (count < 1 || count > MAX_HOSTNAMES) {
      errors.add(
          "spec.hostnames", "must have 1 to " + MAX_HOSTNAMES + " SNI hostnames, was " + count);
      valid = false;
    }
    List<List<io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef>> rules =
        orEmpty(spec.getRules()).stream().map(r -> orEmpty(r.getBackendRefs())).toList();
    return convert(route, RouteKind.TLS, spec.getParentRefs(), hostnames, rules, valid, errors);
  }

  static Optional<HttpRouteState> tcp(TCPRoute route, DocumentErrors errors) {
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    List<List<io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef>> rules =
        orEmpty(spec.getRules()).stream().map(r -> orEmpty(r.getBackendRefs())).toList();
    return convert(route, RouteKind.TCP, spec.getParentRefs(), List.of(), rules, true, errors);
  }

  private static Optional<HttpRouteState> convert(
      HasMetadata route,
      RouteKind kind,
      List<io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference> parentRefs,
      List<String> hostnames,
      List<List<io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef>> rules,
      boolean valid,
      DocumentErrors errors) {
    String name = Metadata.name(route, errors);
    String namespace = Metadata.namespace(route);
    List<ParentRef> parents = new ArrayList<>();
    valid &= HttpRouteConverter.parents(parentRefs, namespace, errors, parents);
    valid &= name != null;
    if (rules.size() != 1) {
      errors.add("spec.rules", "must have exactly one rule, was " + rules.size());
      return Optional.empty();
    }
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef> refs = rules.get(0);
    if (refs.isEmpty() || refs.size() > MAX_BACKENDS) {
      errors.add(
          "spec.rules[0].backendRefs",
          "must have 1 to " + MAX_BACKENDS + " items, was " + refs.size());
      valid = false;
    }
    List<BackendRef> backends = new ArrayList<>();
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
            "spec.rules[0]",
            errors,
            backends);
    if (!valid) {
      return Optional.empty();
    }
    long generation =
        route.getMetadata().getGeneration() == null ? 0 : route.getMetadata().getGeneration();
    HttpRouteState.Rule rule =
        new HttpRouteState.Rule(
            0,
            List.of(),
            backends,
            HeaderChanges.NONE,
            HeaderChanges.NONE,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return Optional.of(
        new HttpRouteState(
            namespace,
            name,
            generation,
            HttpRouteConverter.created(route),
            parents,
            hostnames,
            List.of(rule),
            kind));
  }
}
