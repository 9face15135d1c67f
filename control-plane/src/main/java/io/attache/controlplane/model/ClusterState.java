package io.attache.controlplane.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the control plane knows about the cluster at one moment: Services and their backends,
 * Gateways and the HTTPRoutes attached to them or to Services, TrafficPolicies, and the
 * Auth/RateLimitPolicies that target routes, the TLS Secrets Gateway listeners may name, and the
 * ReferenceGrants that let routes and Gateways refer to other namespaces, and the namespaces'
 * labels (for listeners that select the namespaces of their routes). Immutable; a new state
 * replaces the old one as a whole.
 */
public record ClusterState(
    List<ServiceState> services,
    List<EndpointState> endpoints,
    List<GatewayState> gateways,
    List<HttpRouteState> httpRoutes,
    List<TrafficPolicyState> trafficPolicies,
    List<PolicyAttachment> attachments,
    List<TlsSecret> secrets,
    List<ReferenceGrantState> referenceGrants,
    List<NamespaceState> namespaces,
    List<BackendTlsState> backendTls) {
  public static final ClusterState EMPTY = new ClusterState(List.of(), List.of());

  public ClusterState {
    services = List.copyOf(services);
    endpoints = List.copyOf(endpoints);
    gateways = List.copyOf(gateways);
    httpRoutes = List.copyOf(httpRoutes);
    trafficPolicies = List.copyOf(trafficPolicies);
    attachments = List.copyOf(attachments);
    secrets = List.copyOf(secrets);
    referenceGrants = List.copyOf(referenceGrants);
    namespaces = List.copyOf(namespaces);
    backendTls = List.copyOf(backendTls);
  }

  /** Without BackendTLSPolicies. */
  public ClusterState(
      List<ServiceState> services,
      List<EndpointState> endpoints,
      List<GatewayState> gateways,
      List<HttpRouteState> httpRoutes,
      List<TrafficPolicyState> trafficPolicies,
      List<PolicyAttachment> attachments,
      List<TlsSecret> secrets,
      List<ReferenceGrantState> referenceGrants,
      List<NamespaceState> namespaces) {
    this(
        services,
        endpoints,
        gateways,
        httpRoutes,
        trafficPolicies,
        attachments,
        secrets,
        referenceGrants,
        namespaces,
        List.of());
  }

  /** Without ReferenceGrants and Namespaces (every namespace has its name label alone). */
  public ClusterState(
      List<ServiceState> services,
      List<EndpointState> endpoints,
      List<GatewayState> gateways,
      List<HttpRouteState> httpRoutes,
      List<TrafficPolicyState> trafficPolicies,
      List<PolicyAttachment> attachments,
      List<TlsSecret> secrets) {
    this(
        services,
        endpoints,
        gateways,
        httpRoutes,
        trafficPolicies,
        attachments,
        secrets,
        List.of(),
        List.of());
  }

  /** Without TLS Secrets. */
  public ClusterState(
      List<ServiceState> services,
      List<EndpointState> endpoints,
      List<GatewayState> gateways,
      List<HttpRouteState> httpRoutes,
      List<TrafficPolicyState> trafficPolicies,
      List<PolicyAttachment> attachments) {
    this(services, endpoints, gateways, httpRoutes, trafficPolicies, attachments, List.of());
  }

  /** Without filter policies. */
  public ClusterState(
      List<ServiceState> services,
      List<EndpointState> endpoints,
      List<GatewayState> gateways,
      List<HttpRouteState> httpRoutes,
      List<TrafficPolicyState> trafficPolicies) {
    this(services, endpoints, gateways, httpRoutes, trafficPolicies, List.of(), List.of());
  }

  /** Without TrafficPolicies. */
  public ClusterState(
      List<ServiceState> services,
      List<EndpointState> endpoints,
      List<GatewayState> gateways,
      List<HttpRouteState> httpRoutes) {
    this(services, endpoints, gateways, httpRoutes, List.of(), List.of(), List.of());
  }

  /** Services and endpoints only: plain service discovery, no routes. */
  public ClusterState(List<ServiceState> services, List<EndpointState> endpoints) {
    this(services, endpoints, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /** This state with {@code replaced} as its Gateways. */
  public ClusterState withGateways(List<GatewayState> replaced) {
    return new ClusterState(
        services,
        endpoints,
        replaced,
        httpRoutes,
        trafficPolicies,
        attachments,
        secrets,
        referenceGrants,
        namespaces,
        backendTls);
  }

  /** This state with {@code replaced} as its endpoints. */
  public ClusterState withEndpoints(List<EndpointState> replaced) {
    return new ClusterState(
        services,
        replaced,
        gateways,
        httpRoutes,
        trafficPolicies,
        attachments,
        secrets,
        referenceGrants,
        namespaces,
        backendTls);
  }

  /** This state with its Services replaced. */
  public ClusterState withServices(List<ServiceState> replaced) {
    return new ClusterState(
        replaced,
        endpoints,
        gateways,
        httpRoutes,
        trafficPolicies,
        attachments,
        secrets,
        referenceGrants,
        namespaces,
        backendTls);
  }

  /** Whether {@code other} differs from this state in its Services at most. */
  public boolean equalsExceptServices(ClusterState other) {
    return withServices(other.services).equals(other);
  }

  /** This state with its HTTPRoutes replaced. */
  public ClusterState withHttpRoutes(List<HttpRouteState> replaced) {
    return new ClusterState(
        services,
        endpoints,
        gateways,
        replaced,
        trafficPolicies,
        attachments,
        secrets,
        referenceGrants,
        namespaces,
        backendTls);
  }

  /** Whether {@code other} differs from this state in its HTTPRoutes at most. */
  public boolean equalsExceptHttpRoutes(ClusterState other) {
    return withHttpRoutes(other.httpRoutes).equals(other);
  }

  /**
   * Whether {@code other} equals this state in everything but its endpoints, so that their
   * translations can differ in load assignments only. Costs one comparison of each list: none for a
   * list the two states share, as unchanged lists are when a source keeps them.
   */
  public boolean equalsExceptEndpoints(ClusterState other) {
    return withEndpoints(other.endpoints).equals(other);
  }

  /**
   * All endpoints of one Service, across all of its slices, in slice order. Scans every slice: for
   * one lookup; a translation looks them all up through {@link #endpointsByService}.
   */
  public List<Endpoint> endpointsOf(ServiceKey service) {
    List<Endpoint> merged = new ArrayList<>();
    for (EndpointState state : endpoints) {
      if (state.serviceKey().equals(service)) {
        merged.addAll(state.endpoints());
      }
    }
    return merged;
  }

  /**
   * {@link #endpointsOf} for every Service with endpoints, in one pass over the slices (a Service
   * without any is absent). Built anew on each call.
   */
  public Map<ServiceKey, List<Endpoint>> endpointsByService() {
    Map<ServiceKey, List<Endpoint>> merged = new HashMap<>();
    for (EndpointState state : endpoints) {
      merged
          .computeIfAbsent(state.serviceKey(), key -> new ArrayList<>())
          .addAll(state.endpoints());
    }
    return merged;
  }
}
