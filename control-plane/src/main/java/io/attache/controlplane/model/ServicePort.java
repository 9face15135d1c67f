package io.attache.controlplane.model;

import java.util.Objects;

/**
 * One port of a Kubernetes Service.
 *
 * @param name the port's name; empty when the Service has a single unnamed port
 * @param port the port number clients dial
 * @param protocol TCP, UDP or SCTP
 */
public record ServicePort(String name, int port, Protocol protocol) {
  /** The transport protocols a Service port can have. */
  public enum Protocol {
    TCP,
    UDP,
    SCTP
  }

  public ServicePort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
    }
  }

  /** The name if it has one, else the number: what cluster names use. */
  public String nameOrNumber() {
    return name.isEmpty() ? Integer.toString(port) : name;
  }
}
