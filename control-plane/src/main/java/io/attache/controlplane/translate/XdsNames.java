package io.attache.controlplane.translate;

import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How Services and ports are named in xDS resources. */
public final class XdsNames {
  private XdsNames() {}

  /** {@code <namespace>/<service>:<portName or port>}: names a Cluster and its load assignment. */
  public static String cluster(ServiceState service, ServicePort port) {
    return service.namespace() + "/" + service.name() + ":" + port.nameOrNumber();
  }

  /**
   * The clusters of a policy's Service target: its port named (or numbered) {@code section}, or
   * every port without one; empty when no port has that name.
   */
  static List<String> clusters(ServiceState service, Optional<String> section) {
    List<String> clusters = new ArrayList<>();
    for (ServicePort port : service.ports()) {
      if (section.map(port.nameOrNumber()::equals).orElse(true)) {
        clusters.add(cluster(service, port));
      }
    }
    return clusters;
  }

  /**
   * {@code <service>.<namespace>:<port>}: names a Listener and its RouteConfiguration; a grpc-xds
   * client dials {@code xds:///<service>.<namespace>:<port>}.
   */
  public static String host(ServiceState service, ServicePort port) {
    return service.name() + "." + service.namespace() + ":" + port.port();
  }
}
