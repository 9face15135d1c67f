package io.attache.controlplane.e2e;

/** Services and their EndpointSlices in {@code default}, one loopback endpoint each. */
final class MeshManifests {
  private MeshManifests() {}

  /** A Service with one port, {@code grpc} 8080, followed by a document separator. */
  static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: default}
        spec:
          ports: [{name: grpc, port: 8080}]
        ---
        """
        .formatted(name);
  }

  /** {@code service}'s one ready endpoint, 127.0.0.1 at {@code port}, and a separator. */
  static String slice(String service, int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s-a
          namespace: default
          labels: {kubernetes.io/service-name: %s}
        addressType: IPv4
        ports: [{name: grpc, port: %d}]
        endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
        ---
        """
        .formatted(service, service, port);
  }
}
