package io.attache.controlplane.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Gateway API {@code Gateway}: the listeners an Envoy opens and which routes may attach.
 *
 * @param created the creation timestamp: the older of two Gateways on one port keeps it
 * @param listeners the listeners that can be served, in spec order
 * @param listenerNames every listener the spec names, in spec order, served or not: each gets a
 *     status entry
 * @param notes what keeps a listener from being served (or limits it), as listener conditions
 * @param narrowedRouteKinds the listeners that carry other route kinds than an HTTP listener's two,
 *     with those they carry ({@code supportedKinds}): a TLS or TCP listener's own kind, none for a
 *     protocol not served or when {@code allowedRoutes.kinds} names no kind the listener carries,
 *     one of HTTP's when it names only that one
 */
public record GatewayState(
    String namespace,
    String name,
    long generation,
    Instant created,
    List<Listener> listeners,
    List<String> listenerNames,
    List<ListenerNote> notes,
    Map<String, Set<RouteKind>> narrowedRouteKinds) {
  public GatewayState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    listeners = List.copyOf(listeners);
    listenerNames = List.copyOf(listenerNames);
    notes = List.copyOf(notes);
    narrowedRouteKinds = Map.copyOf(narrowedRouteKinds);
  }

  /** A Gateway whose listeners are all valid. */
  public GatewayState(String namespace, String name, long generation, List<Listener> listeners) {
    this(
        namespace,
        name,
        generation,
        Instant.EPOCH,
        listeners,
        listeners.stream().map(Listener::name).toList(),
        List.of(),
        Map.of());
  }

  /** The same Gateway serving only {@code served}; names and notes stay. */
  public GatewayState withListeners(List<Listener> served) {
    return new GatewayState(
        namespace, name, generation, created, served, listenerNames, notes, narrowedRouteKinds);
  }

  /** The route kinds listener {@code listener} carries. */
  public Set<RouteKind> routeKinds(String listener) {
    return narrowedRouteKinds.getOrDefault(listener, RouteKind.ON_HTTP);
  }

  /** The listeners that carry no route at all. */
  public Set<String> withoutRouteKinds() {
    Set<String> none = new java.util.HashSet<>();
    narrowedRouteKinds.forEach(
        (listener, kinds) -> {
          if (kinds.isEmpty()) {
            none.add(listener);
          }
        });
    return none;
  }

  public String key() {
    return namespace + "/" + name;
  }

  /**
   * One listener of a Gateway.
   *
   * @param hostname when present, only routes for this host (or a host it covers, for a wildcard)
   * @param allRoutesNamespaces whether routes from other namespaces may attach ({@code from: All});
   *     otherwise only routes from the Gateway's namespace may, or from namespaces the selector
   *     matches
   * @param certificateSecrets TLS Secrets ({@code namespace/name}) for an HTTPS listener
   * @param routeNamespaceSelector {@code from: Selector}: the namespaces whose routes may attach
   * @param tlsOptions an HTTPS listener's {@code tls.options}
   */
  public record Listener(
      String name,
      int port,
      Protocol protocol,
      Optional<String> hostname,
      boolean allRoutesNamespaces,
      List<String> certificateSecrets,
      Optional<LabelSelector> routeNamespaceSelector,
      TlsOptions tlsOptions) {
    public Listener {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(routeNamespaceSelector, "routeNamespaceSelector");
      Objects.requireNonNull(tlsOptions, "tlsOptions");
      certificateSecrets = List.copyOf(certificateSecrets);
    }

    /** With Envoy's TLS defaults ({@code tls.options} unset). */
    public Listener(
        String name,
        int port,
        Protocol protocol,
        Optional<String> hostname,
        boolean allRoutesNamespaces,
        List<String> certificateSecrets,
        Optional<LabelSelector> routeNamespaceSelector) {
      this(
          name,
          port,
          protocol,
          hostname,
          allRoutesNamespaces,
          certificateSecrets,
          routeNamespaceSelector,
          TlsOptions.DEFAULTS);
    }

    /** Allowing routes from its own namespace ({@code Same}) or from all ({@code All}). */
    public Listener(
        String name,
        int port,
        Protocol protocol,
        Optional<String> hostname,
        boolean allRoutesNamespaces,
        List<String> certificateSecrets) {
      this(
          name,
          port,
          protocol,
          hostname,
          allRoutesNamespaces,
          certificateSecrets,
          Optional.empty());
    }

    /**
     * Whether routes in {@code namespace} may attach: any namespace ({@code All}), those whose
     * labels the selector matches ({@code Selector}), else the Gateway's own ({@code Same}).
     */
    public boolean allowsRoutesFrom(NamespaceState namespace, String gatewayNamespace) {
      if (allRoutesNamespaces) {
        return true;
      }
      return routeNamespaceSelector.isPresent()
          ? routeNamespaceSelector.get().matches(namespace.labels())
          : namespace.name().equals(gatewayNamespace);
    }
  }

  /** The listener protocols translated; HTTPS terminates TLS, TLS passes it through. */
  public enum Protocol {
    HTTP(RouteKind.ON_HTTP),
    HTTPS(RouteKind.ON_HTTP),
    /** TLS passthrough: connections are routed by SNI, not terminated. */
    TLS(Set.of(RouteKind.TLS)),
    TCP(Set.of(RouteKind.TCP));

    private final Set<RouteKind> routeKinds;

    Protocol(Set<RouteKind> routeKinds) {
      this.routeKinds = routeKinds;
    }

    /** The route kinds a listener of this protocol may carry. */
    public Set<RouteKind> routeKinds() {
      return routeKinds;
    }

    /** Whether Envoy proxies its connections as a whole (TCP proxy) rather than HTTP requests. */
    public boolean streams() {
      return routeKinds.stream().allMatch(RouteKind::streams);
    }
  }

  /**
   * A listener condition that is not the healthy default, in the Gateway API's vocabulary.
   *
   * @param type {@code Accepted} (false), {@code Conflicted} (true) or {@code ResolvedRefs}
   *     (false); the first two keep the listener from being served
   * @param reason e.g. {@code UnsupportedProtocol}, {@code HostnameConflict}, {@code
   *     InvalidRouteKinds}
   */
  public record ListenerNote(String listener, String type, String reason, String message) {
    public ListenerNote {
      Objects.requireNonNull(listener, "listener");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
