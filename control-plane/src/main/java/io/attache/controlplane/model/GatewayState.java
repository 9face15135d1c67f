package io.attache.controlplane.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A Gateway API {@code Gateway}: the listeners an Envoy opens and which routes may attach. */
public record GatewayState(
    String namespace, String name, long generation, List<Listener> listeners) {
  public GatewayState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    listeners = List.copyOf(listeners);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /**
   * One listener of a Gateway.
   *
   * @param hostname when present, only routes for this host (or a host it covers, for a wildcard)
   * @param allRoutesNamespaces whether routes from other namespaces may attach ({@code from: All});
   *     otherwise only routes from the Gateway's namespace may
   * @param certificateSecrets TLS Secrets ({@code namespace/name}) for an HTTPS listener
   */
  public record Listener(
      String name,
      int port,
      Protocol protocol,
      Optional<String> hostname,
      boolean allRoutesNamespaces,
      List<String> certificateSecrets) {
    public Listener {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(hostname, "hostname");
      certificateSecrets = List.copyOf(certificateSecrets);
    }
  }

  /** The listener protocols translated; HTTPS terminates TLS. */
  public enum Protocol {
    HTTP,
    HTTPS
  }
}
