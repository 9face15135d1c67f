package io.attache.controlplane.source;

import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.RouteKind;
import io.attache.controlplane.model.RouteStatus;
import io.attache.crds.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.parents} of HTTPRoutes, GRPCRoutes, TLSRoutes and TCPRoutes for our
 * controller, one entry per parentRef with {@code Accepted} and {@code ResolvedRefs}, keeping the
 * entries of other controllers. Writes only when something other than a transition time would
 * change, so a status write (which the informer sees as an update) never causes another.
 */
final class RouteStatusWriter {
  /** The {@code controllerName} of our GatewayClass and of our route status entries. */
  static final String CONTROLLER = "attache.io/gateway-controller";

  private static final Logger log = LoggerFactory.getLogger(RouteStatusWriter.class);

  private final KubernetesClient client;

  RouteStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** How one route kind's spec and status are read and written: the two kinds share the shape. */
  record Access<R extends HasMetadata>(
      RouteKind kind,
      Class<R> type,
      Function<R, List<ParentReference>> parentRefs,
      Function<R, List<RouteParentStatus>> parents,
      BiConsumer<R, List<RouteParentStatus>> setParents) {}

  static final Access<HTTPRoute> HTTP =
      new Access<>(
          RouteKind.HTTP,
          HTTPRoute.class,
          r -> r.getSpec() == null ? List.of() : r.getSpec().getParentRefs(),
          r -> r.getStatus() == null ? List.of() : r.getStatus().getParents(),
          (r, parents) -> {
            HTTPRouteStatus status = r.getStatus() == null ? new HTTPRouteStatus() : r.getStatus();
            status.setParents(parents);
            r.setStatus(status);
          });

  static final Access<TLSRoute> TLS =
      new Access<>(
          RouteKind.TLS,
          TLSRoute.class,
          r -> r.getSpec() == null ? List.of() : r.getSpec().getParentRefs(),
          r -> r.getStatus() == null ? List.of() : r.getStatus().getParents(),
          (r, parents) -> {
            TLSRouteStatus status = r.getStatus() == null ? new TLSRouteStatus() : r.getStatus();
            status.setParents(parents);
            r.setStatus(status);
          });

  static final Access<TCPRoute> TCP =
      new Access<>(
          RouteKind.TCP,
          TCPRoute.class,
          r -> r.getSpec() == null ? List.of() : r.getSpec().getParentRefs(),
          r -> r.getStatus() == null ? List.of() : r.getStatus().getParents(),
          (r, parents) -> {
            TCPRouteStatus status = r.getStatus() == null ? new TCPRouteStatus() : r.getStatus();
            status.setParents(parents);
            r.setStatus(status);
          });

  static final Access<GRPCRoute> GRPC =
      new Access<>(
          RouteKind.GRPC,
          GRPCRoute.class,
          r -> r.getSpec() == null ? List.of() : r.getSpec().getParentRefs(),
          r -> r.getStatus() == null ? List.of() : r.getStatus().getParents(),
          (r, parents) -> {
            GRPCRouteStatus status = r.getStatus() == null ? new GRPCRouteStatus() : r.getStatus();
            status.setParents(parents);
            r.setStatus(status);
          });

  /**
   * @param statuses the resolver's statuses of this route, one per parentRef in order; empty when
   *     the route is invalid
   * @param invalid why the route is invalid, when it is
   * @param foreignGateways Gateways ({@code namespace/name}) of another class: a parentRef to one
   *     gets no entry of ours, since "Implementations of this API can only populate Route status
   *     for the Gateways/parent resources they are responsible for" (gateway-api
   *     apis/v1/shared_types.go, RouteStatus.parents)
   */
  <R extends HasMetadata> void write(
      Access<R> access,
      R route,
      List<RouteStatus> statuses,
      Optional<String> invalid,
      Set<String> foreignGateways) {
    List<ParentReference> refs = HttpRouteConverter.orEmpty(access.parentRefs().apply(route));
    long generation = Metadata.generation(route);
    List<RouteParentStatus> ours = new ArrayList<>();
    String routeNamespace = route.getMetadata().getNamespace();
    // statuses has one entry per parentRef of a kind we serve, in order.
    int next = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (HttpRouteConverter.servedKind(refs.get(i)).isEmpty()) {
        continue;
      }
      int index = next++;
      if (foreignGateway(refs.get(i), routeNamespace, foreignGateways)) {
        continue;
      }
      List<Condition> conditions = new ArrayList<>();
      if (invalid.isPresent() || index >= statuses.size()) {
        conditions.add(
            Conditions.of(
                "Accepted", false, "UnsupportedValue", invalid.orElse("invalid"), generation));
      } else {
        RouteStatus status = statuses.get(index);
        conditions.add(StatusEntries.condition("Accepted", status.accepted(), generation));
        conditions.add(StatusEntries.condition("ResolvedRefs", status.resolvedRefs(), generation));
      }
      RouteParentStatus parent = new RouteParentStatus();
      parent.setControllerName(CONTROLLER);
      parent.setParentRef(refs.get(i));
      parent.setConditions(conditions);
      ours.add(parent);
    }
    StatusEntries<RouteParentStatus> entries = StatusEntries.ROUTE_PARENTS;
    if (entries.same(entries.ours(access.parents().apply(route)), ours)) {
      return;
    }
    try {
      client
          .resources(access.type())
          .inNamespace(Metadata.namespace(route))
          .withName(route.getMetadata().getName())
          .editStatus(
              latest -> {
                List<RouteParentStatus> current =
                    HttpRouteConverter.orEmpty(access.parents().apply(latest));
                List<RouteParentStatus> parents = new ArrayList<>(entries.theirs(current));
                List<RouteParentStatus> previous = entries.ours(current);
                for (RouteParentStatus parent : ours) {
                  entries.keepTransitionTimes(parent, previous);
                  parents.add(parent);
                }
                access.setParents().accept(latest, parents);
                return latest;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of {} {}: {}",
          access.kind().kindName(),
          KubernetesResources.key(route),
          e.getMessage());
    }
  }

  private static boolean foreignGateway(
      ParentReference ref, String routeNamespace, Set<String> foreignGateways) {
    return HttpRouteConverter.servedKind(ref).equals(Optional.of(ParentKind.GATEWAY))
        && foreignGateways.contains(
            HttpRouteConverter.parentNamespace(ref, routeNamespace) + "/" + ref.getName());
  }
}
