package io.attache.controlplane.translate;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The xDS resources of one {@link io.attache.controlplane.model.ClusterState}, each list sorted by
 * name, with one version per resource type derived from its content: the same state always gives
 * the same versions, and a type whose resources did not change keeps its version.
 */
public record XdsResources(
    List<Cluster> clusters,
    List<ClusterLoadAssignment> loadAssignments,
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Secret> secrets) {

  public XdsResources {
    clusters = List.copyOf(clusters);
    loadAssignments = List.copyOf(loadAssignments);
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    secrets = List.copyOf(secrets);
  }

  public String clustersVersion() {
    return version(clusters);
  }

  public String loadAssignmentsVersion() {
    return version(loadAssignments);
  }

  public String listenersVersion() {
    return version(listeners);
  }

  public String routesVersion() {
    return version(routes);
  }

  /** SDS: changes alone when a certificate is rotated, so listeners are not drained. */
  public String secretsVersion() {
    return version(secrets);
  }

  /** Names the resources of each type; never prints the secrets, which hold private keys. */
  @Override
  public String toString() {
    return "XdsResources[clusters="
        + clusters.size()
        + ", loadAssignments="
        + loadAssignments.size()
        + ", listeners="
        + listeners.size()
        + ", routes="
        + routes.size()
        + ", secrets="
        + secrets.stream().map(Secret::getName).toList()
        + "]";
  }

  /**
   * These resources as an Envoy may receive them: without the {@code api_listener} Listeners of
   * proxyless gRPC clients, which Envoy accepts from its bootstrap only and refuses over LDS, and
   * without their RouteConfigurations. Versions are recomputed from what remains.
   */
  public XdsResources withoutApiListeners() {
    // ApiListeners names an API listener's RouteConfiguration after the listener: reading the name
    // back from its connection manager unpacked 50,000 of them, a tenth of a full publish.
    Set<String> apiRoutes =
        listeners.stream()
            .filter(Listener::hasApiListener)
            .map(Listener::getName)
            .collect(Collectors.toSet());
    return new XdsResources(
        clusters,
        loadAssignments,
        listeners.stream().filter(l -> !l.hasApiListener()).toList(),
        routes.stream().filter(r -> !apiRoutes.contains(r.getName())).toList(),
        secrets);
  }

  /** The type's version from its resources' own ({@link ContentVersion}). */
  static String version(List<? extends Message> resources) {
    ContentVersion version = new ContentVersion();
    ContentVersion.versions(resources).forEach(version::add);
    return version.value();
  }
}
