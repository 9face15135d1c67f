package io.attache.controlplane.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One backend address of a Service, from an EndpointSlice.
 *
 * @param address an IP address
 * @param portsByName the slice's ports, keyed by port name (empty for an unnamed port)
 * @param ready whether Kubernetes considers it ready to take traffic
 * @param zone the topology zone, when the slice names one
 */
public record Endpoint(
    String address, Map<String, Integer> portsByName, boolean ready, Optional<String> zone) {
  public Endpoint {
    Objects.requireNonNull(address, "address");
    portsByName = Map.copyOf(portsByName);
    Objects.requireNonNull(zone, "zone");
  }
}
