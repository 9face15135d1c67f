package io.attache.controlplane.translate;

import io.attache.controlplane.model.Endpoint;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the load assignment of one cluster: ready endpoints only, one locality per zone (sorted),
 * each weighted by the number of ready endpoints in it. Not-ready endpoints are left out rather
 * than sent as unhealthy, so every client treats them alike.
 */
final class LoadAssignments {
  private LoadAssignments() {}

  static ClusterLoadAssignment of(String clusterName, String portName, List<Endpoint> endpoints) {
    Map<String, Set<SocketKey>> byZone = new TreeMap<>();
    for (Endpoint endpoint : endpoints) {
      Integer port = endpoint.portsByName().get(portName);
      if (!endpoint.ready() || port == null) {
        continue;
      }
      byZone
          .computeIfAbsent(endpoint.zone().orElse(""), zone -> new TreeSet<>())
          .add(new SocketKey(endpoint.address(), port));
    }
    ClusterLoadAssignment.Builder assignment =
        ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    byZone.forEach((zone, sockets) -> assignment.addEndpoints(locality(zone, sockets)));
    return assignment.build();
  }

  private static LocalityLbEndpoints locality(String zone, Set<SocketKey> sockets) {
    LocalityLbEndpoints.Builder locality =
        LocalityLbEndpoints.newBuilder()
            .setLocality(SmallValues.zone(zone))
            .setLoadBalancingWeight(SmallValues.uint32(sockets.size()));
    for (SocketKey socket : sockets) {
      locality.addLbEndpoints(
          LbEndpoint.newBuilder()
              .setHealthStatus(HealthStatus.HEALTHY)
              .setEndpoint(
                  io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                      .setAddress(
                          Address.newBuilder()
                              .setSocketAddress(
                                  SocketAddress.newBuilder()
                                      .setAddress(socket.address())
                                      .setPortValue(socket.port())))));
    }
    return locality.build();
  }

  /** An address and port; endpoints listed in two slices count once. */
  private record SocketKey(String address, int port) implements Comparable<SocketKey> {
    @Override
    public int compareTo(SocketKey other) {
      int byAddress = address.compareTo(other.address);
      return byAddress != 0 ? byAddress : Integer.compare(port, other.port);
    }
  }
}
