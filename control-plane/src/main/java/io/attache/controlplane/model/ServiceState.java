package io.attache.controlplane.model;

import java.util.List;
import java.util.Objects;

/** A Kubernetes Service as the control plane sees it: where it lives and which ports it offers. */
public record ServiceState(String namespace, String name, List<ServicePort> ports) {
  public ServiceState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    ports = List.copyOf(ports);
  }

  public ServiceKey key() {
    return new ServiceKey(namespace, name);
  }
}
