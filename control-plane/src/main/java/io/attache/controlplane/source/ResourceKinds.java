package io.attache.controlplane.source;

import io.attache.controlplane.emissary.EmissaryHost;
import io.attache.controlplane.emissary.EmissaryListener;
import io.attache.controlplane.emissary.EmissaryMapping;
import io.attache.controlplane.emissary.EmissaryTlsContext;
import io.attache.controlplane.model.BackendTlsState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.NamespaceState;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.ReferenceGrantState;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.model.TrafficPolicyState;
import io.attache.controlplane.source.ResourceKind.Converter;
import io.attache.controlplane.source.ResourceKind.Group;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kinds the control plane reads, in the order a read converts them (a Secret is looked at once
 * the Gateways naming it are in). The one place a kind is added: both sources, the audit and the
 * state follow from its entry.
 */
final class ResourceKinds {
  private ResourceKinds() {}

  /** Every kind, for Gateways of {@code gatewayClass}. */
  static List<ResourceKind<?, ?>> all(String gatewayClass) {
    return List.of(
        services(),
        endpointSlices(),
        emissaryMappings(),
        emissaryListeners(),
        emissaryTlsContexts(),
        emissaryHosts(gatewayClass), // settles into Gateway API objects before Gateways settle
        gateways(gatewayClass),
        httpRoutes(),
        grpcRoutes(),
        tlsRoutes(),
        tcpRoutes(),
        referenceGrants(),
        namespaces(),
        tlsSecrets(),
        backendTlsPolicies(),
        caConfigMaps(),
        trafficPolicies(),
        authPolicies(),
        rateLimitPolicies());
  }

  /** The kind {@code object} is, among {@code kinds}; empty for one none of them reads. */
  static Optional<ResourceKind<?, ?>> of(Object object, List<ResourceKind<?, ?>> kinds) {
    return kinds.stream().filter(kind -> kind.accepts(object)).findFirst();
  }

  private static ResourceKind<Service, ServiceState> services() {
    return ResourceKind.of(
        "Service",
        Service.class,
        ServiceState.class,
        Group.DISCOVERY,
        Converter.of(ServiceConverter::convert),
        s ->
            "applied: ports "
                + s.ports().stream()
                    .map(p -> (p.name().isEmpty() ? "" : p.name() + "=") + p.port())
                    .toList(),
        true,
        (state, service) -> state.services.add(service));
  }

  private static ResourceKind<EndpointSlice, EndpointState> endpointSlices() {
    return ResourceKind.of(
        "EndpointSlice",
        EndpointSlice.class,
        EndpointState.class,
        Group.DISCOVERY,
        Converter.of(EndpointSliceConverter::convert),
        s ->
            "applied: "
                + s.endpoints().stream().filter(e -> e.ready()).count()
                + " of "
                + s.endpoints().size()
                + " endpoints ready for Service "
                + s.serviceKey(),
        false,
        (state, slice) -> state.endpoints.add(slice));
  }

  private static ResourceKind<EmissaryResources.Mapping, EmissaryMapping> emissaryMappings() {
    return ResourceKind.of(
        "Mapping",
        EmissaryResources.Mapping.class,
        EmissaryMapping.class,
        Group.EMISSARY,
        Converter.of(EmissaryServing::mapping),
        m -> "applied: prefix " + m.prefix() + " to " + m.service(),
        true,
        (state, mapping) -> state.emissaryMappings.add(mapping));
  }

  private static ResourceKind<EmissaryResources.Listener, EmissaryListener> emissaryListeners() {
    return ResourceKind.of(
        "Listener",
        EmissaryResources.Listener.class,
        EmissaryListener.class,
        Group.EMISSARY,
        Converter.of(EmissaryServing::listener),
        l -> "applied: " + l.protocol() + " on port " + l.port(),
        true,
        (state, listener) -> state.emissaryListeners.add(listener));
  }

  private static ResourceKind<EmissaryResources.TlsContext, EmissaryTlsContext>
      emissaryTlsContexts() {
    return ResourceKind.of(
        "TLSContext",
        EmissaryResources.TlsContext.class,
        EmissaryTlsContext.class,
        Group.EMISSARY,
        Converter.of(EmissaryServing::tlsContext),
        c -> "applied: TLS settings for " + (c.hosts().isEmpty() ? "its Hosts" : c.hosts()),
        true,
        (state, context) -> state.emissaryTlsContexts.add(context));
  }

  private static ResourceKind<EmissaryResources.Host, EmissaryHost> emissaryHosts(
      String gatewayClass) {
    return ResourceKind.of(
            "Host",
            EmissaryResources.Host.class,
            EmissaryHost.class,
            Group.EMISSARY,
            Converter.of(EmissaryServing::host),
            h -> "applied: hostname " + h.hostname(),
            true,
            (state, host) -> state.emissaryHosts.add(host))
        .settledBy(
            (state, problems, conflicts) -> EmissaryServing.settle(state, problems, gatewayClass));
  }

  private static ResourceKind<Gateway, GatewayState> gateways(String gatewayClass) {
    return ResourceKind.of(
            "Gateway",
            Gateway.class,
            GatewayState.class,
            Group.GATEWAY_API,
            // A listener refused now keeps serving as it did (GatewayConverter.keepServing).
            (gateway, errors, lastGood) ->
                GatewayConverter.convert(gateway, errors)
                    .map(now -> GatewayConverter.keepServing(now, lastGood.orElse(null), errors)),
            g ->
                "applied: listeners "
                    + g.listeners().stream()
                        .map(l -> l.name() + "=" + l.protocol() + ":" + l.port())
                        .toList(),
            true,
            (state, gateway) -> state.gateways.add(gateway))
        .owning(gateway -> GatewayConverter.ours(gateway, gatewayClass))
        .settledBy(
            (state, problems, conflicts) -> {
              state.gateways = GatewayPorts.claim(state.gateways, conflicts);
              Set<String> named = new HashSet<>();
              state.gateways.forEach(
                  g -> g.listeners().forEach(l -> named.addAll(l.certificateSecrets())));
              state.certificateSecrets = named; // once, for every Secret the read looks at
            });
  }

  private static ResourceKind<HTTPRoute, HttpRouteState> httpRoutes() {
    return ResourceKind.of(
        "HTTPRoute",
        HTTPRoute.class,
        HttpRouteState.class,
        Group.GATEWAY_API,
        Converter.of(HttpRouteConverter::convert),
        r -> "applied: " + r.rules().size() + " rules, parents " + r.parents(),
        true,
        (state, route) -> state.httpRoutes.add(route));
  }

  /** GRPCRoutes go with the HTTPRoutes: the same shape, told apart by their kind. */
  private static ResourceKind<GRPCRoute, HttpRouteState> grpcRoutes() {
    return ResourceKind.of(
        "GRPCRoute",
        GRPCRoute.class,
        HttpRouteState.class,
        Group.GATEWAY_API,
        Converter.of(GrpcRouteConverter::convert),
        r -> "applied: " + r.rules().size() + " rules, parents " + r.parents(),
        true,
        (state, route) -> state.httpRoutes.add(route));
  }

  /** TLSRoutes and TCPRoutes go with the other routes too: one rule of backends, no matches. */
  private static ResourceKind<TLSRoute, HttpRouteState> tlsRoutes() {
    return ResourceKind.of(
        "TLSRoute",
        TLSRoute.class,
        HttpRouteState.class,
        Group.GATEWAY_API,
        Converter.of(StreamRouteConverter::tls),
        r -> "applied: SNI " + r.hostnames() + ", parents " + r.parents(),
        true,
        (state, route) -> state.httpRoutes.add(route));
  }

  private static ResourceKind<TCPRoute, HttpRouteState> tcpRoutes() {
    return ResourceKind.of(
        "TCPRoute",
        TCPRoute.class,
        HttpRouteState.class,
        Group.GATEWAY_API,
        Converter.of(StreamRouteConverter::tcp),
        r -> "applied: parents " + r.parents(),
        true,
        (state, route) -> state.httpRoutes.add(route));
  }

  private static ResourceKind<ReferenceGrant, ReferenceGrantState> referenceGrants() {
    return ResourceKind.of(
        "ReferenceGrant",
        ReferenceGrant.class,
        ReferenceGrantState.class,
        Group.GATEWAY_API,
        Converter.of(ReferenceGrantConverter::convert),
        g -> "applied: from " + g.from() + " to " + g.to(),
        true,
        (state, grant) -> state.referenceGrants.add(grant));
  }

  /**
   * Namespaces, for their labels: a listener may allow the routes of the namespaces its selector
   * matches. Cluster-scoped: watched only by a control plane that watches every namespace.
   */
  private static ResourceKind<Namespace, NamespaceState> namespaces() {
    return ResourceKind.of(
        "Namespace",
        Namespace.class,
        NamespaceState.class,
        Group.NAMESPACES,
        Converter.of(NamespaceConverter::convert),
        n -> "applied: labels " + new TreeMap<>(n.labels()),
        true,
        (state, namespace) -> state.namespaces.add(namespace));
  }

  /**
   * Secrets of type {@code kubernetes.io/tls}. From the API (filtered by type there), only those an
   * HTTPS listener names: the others are none of the control plane's business. A bad edit of a
   * certificate keeps the last valid one served, as for routes: a rotation gone wrong must not take
   * the listener down.
   */
  private static ResourceKind<Secret, TlsSecret> tlsSecrets() {
    return ResourceKind.of(
            "Secret",
            Secret.class,
            TlsSecret.class,
            Group.GATEWAY_API,
            Converter.of(TlsSecretConverter::convert),
            secret -> "applied: certificate and private key for HTTPS listeners",
            true,
            (state, secret) -> state.secrets.add(secret))
        .owning(TlsSecretConverter::isTls)
        .fromApi(
            Map.of("type", TlsSecretConverter.TLS_TYPE),
            (secret, state) -> state.certificateSecrets.contains(KubernetesResources.key(secret)));
  }

  private static ResourceKind<BackendTLSPolicy, BackendTlsState> backendTlsPolicies() {
    return ResourceKind.of(
            "BackendTLSPolicy",
            BackendTLSPolicy.class,
            BackendTlsState.class,
            Group.GATEWAY_API,
            Converter.of(BackendTlsPolicyConverter::convert),
            p -> "applied: TLS to " + p.targets().size() + " targets, as " + p.hostname(),
            true,
            (state, policy) -> state.backendTls.add(policy))
        .settledBy(
            (state, problems, conflicts) -> {
              Set<String> named = new java.util.HashSet<>();
              state.backendTls.forEach(
                  p -> p.caConfigMaps().forEach(c -> named.add(p.namespace() + "/" + c.name())));
              state.caConfigMapNames = named; // once, for every ConfigMap the read looks at
            });
  }

  /**
   * ConfigMaps, for the CA bundles BackendTLSPolicies name (others are not converted); settling
   * them resolves each policy's bundles, and a policy whose ConfigMap is missing or has no {@code
   * ca.crt} is told so and makes requests to its backends fail (backendtlspolicy_types.go: "MUST
   * fail, and the client MUST receive an HTTP 5xx").
   */
  private static ResourceKind<ConfigMap, CaConfigMap> caConfigMaps() {
    return ResourceKind.of(
            "ConfigMap",
            ConfigMap.class,
            CaConfigMap.class,
            Group.GATEWAY_API,
            Converter.of(
                (configMap, errors) -> Optional.of(BackendTlsPolicyConverter.caBundle(configMap))),
            c -> c.pem().isPresent() ? "applied: a CA bundle" : "applied: " + c.problem(),
            true,
            (state, configMap) -> state.caConfigMaps.put(configMap.key(), configMap))
        .settledBy((state, problems, conflicts) -> resolveCaBundles(state))
        .fromApi(
            Map.of(),
            (configMap, state) ->
                state.caConfigMapNames.contains(KubernetesResources.key(configMap)));
  }

  private static void resolveCaBundles(StateBuilder state) {
    state.backendTls.replaceAll(
        policy -> {
          List<String> pems = new ArrayList<>();
          List<BackendTlsState.RefProblem> missing = new ArrayList<>();
          for (BackendTlsState.CaRef ref : policy.caConfigMaps()) {
            String key = policy.namespace() + "/" + ref.name();
            CaConfigMap found = state.caConfigMaps.get(key);
            if (found == null || found.pem().isEmpty()) {
              missing.add(
                  new BackendTlsState.RefProblem(
                      ref.index(),
                      BackendTlsState.INVALID_CA_CERTIFICATE_REF,
                      "ConfigMap " + key + (found == null ? " not found" : " " + found.problem())));
            } else {
              pems.add(found.pem().get());
            }
          }
          // Reported from the state (BackendTlsProblems): the policy is served, failing.
          return policy.resolved(pems, missing);
        });
  }

  private static ResourceKind<TrafficPolicy, TrafficPolicyState> trafficPolicies() {
    return ResourceKind.of(
        "TrafficPolicy",
        TrafficPolicy.class,
        TrafficPolicyState.class,
        Group.TRAFFIC_POLICIES,
        Converter.of(TrafficPolicyConverter::convert),
        p -> "applied: " + p.targets().size() + " targets",
        true,
        (state, policy) -> state.trafficPolicies.add(policy));
  }

  private static ResourceKind<AuthPolicy, PolicyAttachment> authPolicies() {
    return ResourceKind.of(
        "AuthPolicy",
        AuthPolicy.class,
        PolicyAttachment.class,
        Group.FILTER_POLICIES,
        Converter.of(PolicyAttachmentConverter::auth),
        a -> "targets resolved by the control plane: " + a.targets().size(),
        false,
        (state, attachment) -> state.attachments.add(attachment));
  }

  private static ResourceKind<RateLimitPolicy, PolicyAttachment> rateLimitPolicies() {
    return ResourceKind.of(
        "RateLimitPolicy",
        RateLimitPolicy.class,
        PolicyAttachment.class,
        Group.FILTER_POLICIES,
        Converter.of(PolicyAttachmentConverter::rateLimit),
        a ->
            a.targets().isEmpty()
                ? "no targets: served to rate-limit services over xDS only"
                : "targets resolved by the control plane: "
                    + a.targets().size()
                    + ", "
                    + a.rateLimits().map(l -> l.descriptors().size()).orElse(0)
                    + " limited descriptors",
        false,
        (state, attachment) -> state.attachments.add(attachment));
  }
}
