package io.attache.controlplane.source;

import io.attache.controlplane.emissary.EmissaryHost;
import io.attache.controlplane.emissary.EmissaryMapping;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.ReferenceGrantState;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.model.TrafficPolicyState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects converted objects into one {@link ClusterState}; each {@link ResourceKind} knows its
 * list. Mutable, used by one read on one thread.
 */
final class StateBuilder {
  final List<ServiceState> services = new ArrayList<>();
  final List<EndpointState> endpoints = new ArrayList<>();
  List<GatewayState> gateways = new ArrayList<>();
  final List<HttpRouteState> httpRoutes = new ArrayList<>();
  final List<TrafficPolicyState> trafficPolicies = new ArrayList<>();
  final List<PolicyAttachment> attachments = new ArrayList<>();
  final List<TlsSecret> secrets = new ArrayList<>();
  final List<ReferenceGrantState> referenceGrants = new ArrayList<>();
  final List<NamespaceState> namespaces = new ArrayList<>();

  /** Emissary's Mappings and Hosts, served as the Gateway API objects they become on settling. */
  final List<EmissaryMapping> emissaryMappings = new ArrayList<>();

  final List<EmissaryHost> emissaryHosts = new ArrayList<>();

  final List<io.attache.controlplane.emissary.EmissaryListener> emissaryListeners =
      new ArrayList<>();

  final List<io.attache.controlplane.emissary.EmissaryTlsContext> emissaryTlsContexts =
      new ArrayList<>();

  /** BackendTLSPolicies, their CA bundles resolved on settling the ConfigMaps. */
  final List<io.attache.controlplane.model.BackendTlsState> backendTls = new ArrayList<>();

  final Map<String, CaConfigMap> caConfigMaps = new HashMap<>();

  /** The ConfigMaps ({@code namespace/name}) BackendTLSPolicies name, set once they are in. */
  Set<String> caConfigMapNames = Set.of();

  /** The TLS Secrets ({@code namespace/name}) the Gateways name, set once they are settled. */
  Set<String> certificateSecrets = Set.of();

  ClusterState build() {
    return new ClusterState(
        services,
        endpoints,
        gateways,
        httpRoutes,
        trafficPolicies,
        attachments.stream().map(a -> EmissaryServing.retarget(a)).toList(),
        secrets,
        referenceGrants,
        namespaces,
        backendTls);
  }
}
