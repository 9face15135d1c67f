package io.attache.controlplane.translate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How Services and ports are named in xDS resources. */
public final class XdsNames {
  /**
   * Each Service's cluster names, by port, made once: a translation names a Service's clusters for
   * the Cluster itself and again for every route to it, and each copy survived into the snapshot
   * (150,000 strings at 50k routes), where the garbage collector copies it. Keyed by the state
   * object, weakly: a changed Service is a new object.
   */
  private static final Cache<ServiceState, String[]> CLUSTER_NAMES =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build(); // upkeep on the caller

  private XdsNames() {}

  /** {@code <namespace>/<service>:<portName or port>}: names a Cluster and its load assignment. */
  public static String cluster(ServiceState service, ServicePort port) {
    List<ServicePort> ports = service.ports();
    for (int i = 0; i < ports.size(); i++) {
      if (ports.get(i) == port) {
        return CLUSTER_NAMES.get(service, XdsNames::clusterNames)[i];
      }
    }
    return clusterName(service, port); // a port built apart from its Service
  }

  private static String[] clusterNames(ServiceState service) {
    String[] names = new String[service.ports().size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = clusterName(service, service.ports().get(i));
    }
    return names;
  }

  private static String clusterName(ServiceState service, ServicePort port) {
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
