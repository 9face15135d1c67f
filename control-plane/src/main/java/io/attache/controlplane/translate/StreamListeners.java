package io.attache.controlplane.translate;

import com.google.protobuf.Any;
import io.attache.controlplane.model.GatewayState;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an Envoy needs for a Gateway port of TLSRoutes (TLS passthrough) or TCPRoutes: a Listener
 * whose filter chains hand whole connections to a TCP proxy. A TLS port gets one chain per SNI
 * hostname its routes serve ({@code server_names}, read by the TLS inspector; the TLS is not
 * terminated), a TCP port one chain. Where several routes claim one hostname (or the TCP port), the
 * oldest, then the first by {@code namespace/name}, takes the connections: the others stay attached
 * and accepted, as the Gateway API's conformance suite has it (TCPRouteMultipleRoutes Attachment;
 * gateway-api guides/api-design, "Conflicts"). A port no route serves gets no Listener: Envoy
 * refuses a listener without filter chains, and a closed port is what it would amount to.
 */
final class StreamListeners {
  private static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  private static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";
  private static final Comparator<AttachedRule> OLDEST =
      Comparator.comparing((AttachedRule r) -> r.route().created())
          .thenComparing(r -> r.route().namespace() + "/" + r.route().name());

  private StreamListeners() {}

  /** The port's Listener; empty when no route serves it. */
  static Optional<Listener> listener(
      RouteAttachments.GatewayPort port, Map<String, List<AttachedRule>> byHost) {
    if (byHost.isEmpty()) {
      return Optional.empty();
    }
    Listener.Builder listener = GatewayListeners.bound(port);
    boolean tls = port.protocol() == GatewayState.Protocol.TLS;
    if (tls) {
      listener.addListenerFilters(
          ListenerFilter.newBuilder()
              .setName(TLS_INSPECTOR)
              .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    }
    // Sorted, for a stable resource; the catch-all "*" (no SNI to match) goes last.
    Map<String, List<AttachedRule>> hosts = new TreeMap<>(byHost);
    List<String> order = new ArrayList<>(hosts.keySet());
    if (order.remove("*")) {
      order.add("*");
    }
    for (String host : order) {
      AttachedRule serving = hosts.get(host).stream().min(OLDEST).orElseThrow();
      String name = port.xdsName() + "/" + host;
      FilterChain.Builder chain =
          FilterChain.newBuilder()
              .setName(name)
              .addFilters(
                  Filter.newBuilder()
                      .setName(TCP_PROXY)
                      .setTypedConfig(Any.pack(tcpProxy(name, serving))));
      if (tls && !host.equals("*")) {
        chain.setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(host));
      }
      listener.addFilterChains(chain);
    }
    return Optional.of(listener.build());
  }

  /**
   * The backends of {@code rule} by weight; a share whose backend does not resolve goes to a
   * cluster no one serves, whose connections Envoy closes at once.
   */
  private static TcpProxy tcpProxy(String statPrefix, AttachedRule rule) {
    TcpProxy.Builder proxy = TcpProxy.newBuilder().setStatPrefix(statPrefix);
    List<AttachedRule.WeightedCluster> live =
        rule.backends().stream().filter(b -> b.weight() > 0).toList();
    if (live.isEmpty()) {
      return proxy.setCluster(EnvoyRoutes.UNRESOLVED_BACKEND).build();
    }
    if (live.size() == 1) {
      return proxy.setCluster(live.get(0).cluster().orElse(EnvoyRoutes.UNRESOLVED_BACKEND)).build();
    }
    TcpProxy.WeightedCluster.Builder split = TcpProxy.WeightedCluster.newBuilder();
    for (AttachedRule.WeightedCluster backend : live) {
      split.addClusters(
          TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
              .setName(backend.cluster().orElse(EnvoyRoutes.UNRESOLVED_BACKEND))
              .setWeight(backend.weight()));
    }
    return proxy.setWeightedClusters(split).build();
  }
}
