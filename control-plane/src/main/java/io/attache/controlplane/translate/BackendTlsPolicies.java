package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.BackendTlsState;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServiceState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which BackendTLSPolicy applies to each Service port's cluster, and what it makes of the cluster:
 * Envoy originates TLS with the policy's hostname as SNI, trusting its CA bundles (or the system's)
 * and accepting a certificate that names the hostname, or one of its subjectAltNames when given
 * (apis/v1/backendtlspolicy_types.go). Policies conflict only over one target and sectionName: of
 * those the oldest wins (then the first by namespace/name), and a policy naming one port wins that
 * port over one naming the whole Service (conformance backendtlspolicy-conflict-resolution). A
 * policy whose CA references do not resolve leaves its clusters without endpoints, so its requests
 * fail with a 5xx, as the API asks, and are never sent without TLS.
 */
final class BackendTlsPolicies {
  private static final Comparator<BackendTlsState> PRECEDENCE =
      Comparator.comparing(BackendTlsState::created).thenComparing(BackendTlsState::key);

  private final Map<String, BackendTlsState> byCluster = new HashMap<>();
  private final Map<String, Outcome> outcomes = new HashMap<>();

  /**
   * What became of one policy's targets, each described as {@code Service ns/name[:section]}.
   *
   * @param conflicts the targets an older policy holds, with that policy
   */
  record Outcome(List<String> applied, List<String> conflicts, List<String> notFound) {}

  static BackendTlsPolicies resolve(ClusterState state) {
    BackendTlsPolicies policies = new BackendTlsPolicies();
    if (state.backendTls().isEmpty()) {
      return policies;
    }
    Map<ServiceKey, ServiceState> services = new HashMap<>();
    state.services().forEach(s -> services.put(s.key(), s));
    List<BackendTlsState> ordered = new ArrayList<>(state.backendTls());
    ordered.sort(PRECEDENCE);
    ordered.forEach(
        p ->
            policies.outcomes.put(
                p.key(), new Outcome(new ArrayList<>(), new ArrayList<>(), new ArrayList<>())));
    Map<String, BackendTlsState> holders = new HashMap<>();
    // Ports named by a sectionName first: they are the more specific targets.
    for (boolean sectioned : new boolean[] {true, false}) {
      for (BackendTlsState policy : ordered) {
        for (BackendTlsState.Target target : policy.targets()) {
          if (target.sectionName().isPresent() == sectioned) {
            policies.claim(policy, target, services, holders);
          }
        }
      }
    }
    return policies;
  }

  private void claim(
      BackendTlsState policy,
      BackendTlsState.Target target,
      Map<ServiceKey, ServiceState> services,
      Map<String, BackendTlsState> holders) {
    String described =
        "Service "
            + policy.namespace()
            + "/"
            + target.service()
            + target.sectionName().map(s -> ":" + s).orElse("");
    Outcome outcome = outcomes.get(policy.key());
    ServiceState service = services.get(new ServiceKey(policy.namespace(), target.service()));
    List<String> clusters =
        service == null ? List.of() : XdsNames.clusters(service, target.sectionName());
    if (clusters.isEmpty()) {
      outcome.notFound().add(described);
      return;
    }
    BackendTlsState holder = holders.putIfAbsent(described, policy);
    if (holder != null) {
      outcome.conflicts().add(described + " (held by the older " + holder.key() + ")");
      return;
    }
    outcome.applied().add(described);
    clusters.forEach(cluster -> byCluster.putIfAbsent(cluster, policy));
  }

  /** The clusters some policy makes originate TLS. */
  Set<String> clusters() {
    return byCluster.keySet();
  }

  /** What became of each policy's targets, by {@code namespace/name}. */
  Map<String, Outcome> outcomes() {
    return outcomes;
  }

  Optional<BackendTlsState> forCluster(String cluster) {
    return Optional.ofNullable(byCluster.get(cluster));
  }

  /** {@code cluster} as {@code policy} makes it. */
  static void applyTo(Cluster.Builder cluster, BackendTlsState policy) {
    if (policy.unresolved()) {
      cluster
          .setType(Cluster.DiscoveryType.STATIC)
          .clearEdsClusterConfig()
          .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(cluster.getName()));
      return;
    }
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
    if (policy.systemCa()) {
      validation.setSystemRootCerts(
          CertificateValidationContext.SystemRootCerts.getDefaultInstance());
    } else {
      validation.setTrustedCa(
          DataSource.newBuilder().setInlineString(String.join("\n", policy.caPems())));
    }
    if (policy.subjectAltNames().isEmpty()) {
      validation.addMatchTypedSubjectAltNames(
          san(SubjectAltNameMatcher.SanType.DNS, policy.hostname()));
    } else {
      for (BackendTlsState.SubjectAltName name : policy.subjectAltNames()) {
        validation.addMatchTypedSubjectAltNames(
            san(
                name.uri() ? SubjectAltNameMatcher.SanType.URI : SubjectAltNameMatcher.SanType.DNS,
                name.value()));
      }
    }
    UpstreamTlsContext context =
        UpstreamTlsContext.newBuilder()
            .setSni(policy.hostname())
            .setCommonTlsContext(CommonTlsContext.newBuilder().setValidationContext(validation))
            .build();
    cluster.setTransportSocket(
        TransportSocket.newBuilder()
            .setName(GatewayTls.TLS_TRANSPORT_SOCKET)
            .setTypedConfig(Any.pack(context)));
  }

  private static SubjectAltNameMatcher san(SubjectAltNameMatcher.SanType type, String value) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(type)
        .setMatcher(StringMatcher.newBuilder().setExact(value))
        .build();
  }
}
