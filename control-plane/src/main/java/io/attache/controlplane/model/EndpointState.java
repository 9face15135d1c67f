package io.attache.controlplane.model;

import java.util.List;
import java.util.Objects;

/**
 * Backends of one Service. A Service may have many EndpointSlices; each may become one {@code
 * EndpointState} and {@link ClusterState#endpointsOf} merges them.
 */
public record EndpointState(String namespace, String serviceName, List<Endpoint> endpoints) {
  public EndpointState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceName, "serviceName");
    endpoints = List.copyOf(endpoints);
  }

  public ServiceKey serviceKey() {
    return new ServiceKey(namespace, serviceName);
  }
}
