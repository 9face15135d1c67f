package io.attache.controlplane.translate;

import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;

/** How Services and ports are named in xDS resources. */
public final class XdsNames {
  private XdsNames() {}

  /** {@code <namespace>/<service>:<portName or port>}: names a Cluster and its load assignment. */
  public static String cluster(ServiceState service, ServicePort port) {
    return service.namespace() + "/" + service.name() + ":" + port.nameOrNumber();
  }

  /**
   * {@code <service>.<namespace>:<port>}: names a Listener and its RouteConfiguration; a grpc-xds
   * client dials {@code xds:///<service>.<namespace>:<port>}.
   */
  public static String host(ServiceState service, ServicePort port) {
    return service.name() + "." + service.namespace() + ":" + port.port();
  }
}
