package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.LabelSelector;
import io.attache.controlplane.model.RouteKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Gateway API v1 {@code Gateway} and turns it into a {@link GatewayState}. Only HTTP and
 * HTTPS (TLS terminated, certificates from Secrets) listeners are translated; other protocols and
 * route kinds other than HTTPRoute are reported, not ignored. {@code allowedRoutes.namespaces} may
 * be Same, All or Selector (with a checked label selector). Each problem is an error and, for the
 * listener's status, a condition with the Gateway API's reason.
 */
final class GatewayConverter {
  /** The default {@code gatewayClassName} this control plane serves. */
  static final String DEFAULT_CLASS = "attache";

  static final String ACCEPTED = "Accepted";
  private static final String CONFLICTED = "Conflicted";
  static final String RESOLVED_REFS = "ResolvedRefs";

  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private GatewayConverter() {}

  /** The field a Gateway's infrastructure parameters are named in; see {@link #convert}. */
  static final String PARAMETERS_REF = "spec.infrastructure.parametersRef";

  /** Whether this Gateway belongs to {@code gatewayClass}; others are some other controller's. */
  static boolean ours(Gateway gateway, String gatewayClass) {
    return gateway.getSpec() != null
        && gatewayClass.equals(gateway.getSpec().getGatewayClassName());
  }

  /**
   * Converts a Gateway; a listener that cannot be served is left out with a {@link
   * GatewayState.ListenerNote} (and an error), and the others are served, as the Gateway API
   * expects. Empty only when the Gateway as a whole is invalid.
   */
  static Optional<GatewayState> convert(Gateway gateway, DocumentErrors errors) {
    String name = Metadata.name(gateway, errors);
    String namespace = Metadata.namespace(gateway);
    boolean valid = name != null;
    if (gateway.getSpec() != null
        && gateway.getSpec().getInfrastructure() != null
        && gateway.getSpec().getInfrastructure().getParametersRef() != null) {
      // No kind of parameters is read here: a reference to one is never silently ignored.
      errors.add(
          PARAMETERS_REF,
          "this control plane reads no infrastructure parameters (InvalidParameters), was "
              + gateway.getSpec().getInfrastructure().getParametersRef().getKind()
              + " "
              + gateway.getSpec().getInfrastructure().getParametersRef().getName());
      valid = false;
    }
    List<Listener> specListeners =
        gateway.getSpec() == null
            ? List.of()
            : HttpRouteConverter.orEmpty(gateway.getSpec().getListeners());
    if (specListeners.isEmpty()) {
      errors.add("spec.listeners", "at least one listener is required");
      valid = false;
    }
    List<GatewayState.Listener> listeners = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<GatewayState.ListenerNote> notes = new ArrayList<>();
    Map<String, Set<RouteKind>> narrowedRouteKinds = new HashMap<>();
    Map<Integer, GatewayState.Protocol> protocolByPort = new HashMap<>();
    Set<String> portAndHost = new HashSet<>();
    for (int i = 0; i < specListeners.size(); i++) {
      Listener listener = specListeners.get(i);
      String path = "spec.listeners[" + i + "]";
      if (listener == null) {
        errors.add(path, "must be a listener, was empty");
        continue;
      }
      boolean named = listener.getName() != null && !listener.getName().isBlank();
      if (named && names.contains(listener.getName())) {
        // Listener status is keyed by name: the second one cannot even be reported on its own.
        errors.add(path + ".name", "listener name '" + listener.getName() + "' is used twice");
        continue;
      }
      if (named) {
        names.add(listener.getName());
      }
      Optional<GatewayState.Listener> converted =
          listener(listener, namespace, path, errors, notes, narrowedRouteKinds);
      if (converted.isEmpty()) {
        continue;
      }
      GatewayState.Listener l = converted.get();
      // The first listener on a port decides its protocol and keeps its hostname; later ones that
      // clash are Conflicted and not served, so the earlier, working one is never disturbed.
      GatewayState.Protocol other = protocolByPort.putIfAbsent(l.port(), l.protocol());
      if (other != null && other != l.protocol()) {
        String message = "port " + l.port() + " already has a " + other + " listener";
        errors.add(path + ".protocol", message);
        notes.add(new GatewayState.ListenerNote(l.name(), CONFLICTED, "ProtocolConflict", message));
        continue;
      }
      if (!portAndHost.add(l.port() + "/" + l.hostname().orElse("*"))) {
        String message =
            "another listener has port "
                + l.port()
                + " and hostname "
                + l.hostname().orElse("(none)");
        errors.add(path + ".hostname", message);
        notes.add(new GatewayState.ListenerNote(l.name(), CONFLICTED, "HostnameConflict", message));
        continue;
      }
      listeners.add(l);
    }
    if (!valid) {
      return Optional.empty();
    }
    long generation = Metadata.generation(gateway);
    return Optional.of(
        new GatewayState(
            namespace,
            name,
            generation,
            HttpRouteConverter.created(gateway),
            listeners,
            names,
            notes,
            narrowedRouteKinds));
  }

  /**
   * {@code now}, plus the last valid version of each listener that an edit made invalid, so a bad
   * edit never takes traffic off a working listener (as for routes). A listener that is gone from
   * the spec, or would now clash with another on its port, is not kept.
   */
  static GatewayState keepServing(GatewayState now, GatewayState previous, DocumentErrors errors) {
    if (previous == null || now.notes().isEmpty()) {
      return now;
    }
    List<GatewayState.Listener> listeners = new ArrayList<>(now.listeners());
    List<GatewayState.ListenerNote> notes = new ArrayList<>(now.notes());
    for (GatewayState.Listener old : previous.listeners()) {
      boolean refusedNow =
          now.listenerNames().contains(old.name())
              && listeners.stream().noneMatch(l -> l.name().equals(old.name()))
              && now.notes().stream().anyMatch(n -> n.listener().equals(old.name()));
      boolean clashes =
          listeners.stream()
              .anyMatch(
                  l ->
                      l.port() == old.port()
                          && (l.protocol() != old.protocol()
                              || l.hostname().equals(old.hostname())));
      if (refusedNow && !clashes) {
        listeners.add(old);
        notes.replaceAll(
            n ->
                n.listener().equals(old.name())
                    ? new GatewayState.ListenerNote(
                        n.listener(),
                        n.type(),
                        n.reason(),
                        n.message() + " (the last valid version of this listener is still served)")
                    : n);
        int index = now.listenerNames().indexOf(old.name());
        errors.add(
            "spec.listeners[" + index + "]",
            "the last valid version of listener " + old.name() + " is still served");
      }
    }
    // Keep spec order: the first listener on a port decides its protocol in translation too.
    listeners.sort(java.util.Comparator.comparingInt(l -> now.listenerNames().indexOf(l.name())));
    return new GatewayState(
        now.namespace(),
        now.name(),
        now.generation(),
        now.created(),
        listeners,
        now.listenerNames(),
        notes,
        now.narrowedRouteKinds());
  }

  /** A listener's problems, reported both as errors and as its status conditions. */
  static final class ListenerProblems {
    private final String listener;
    private final DocumentErrors errors;
    private final List<GatewayState.ListenerNote> notes;
    private boolean served = true;

    ListenerProblems(
        String listener, DocumentErrors errors, List<GatewayState.ListenerNote> notes) {
      this.listener = listener;
      this.errors = errors;
      this.notes = notes;
    }

    /** A problem that keeps the listener from being served. */
    void refuse(String field, String type, String reason, String message) {
      served = false;
      note(field, type, reason, message);
    }

    /** A problem that leaves the listener served, in part. */
    void note(String field, String type, String reason, String message) {
      errors.add(field, message);
      if (listener != null) {
        notes.add(new GatewayState.ListenerNote(listener, type, reason, message));
      }
    }
  }

  private static Optional<GatewayState.Listener> listener(
      Listener listener,
      String namespace,
      String path,
      DocumentErrors errors,
      List<GatewayState.ListenerNote> notes,
      Map<String, Set<RouteKind>> narrowedRouteKinds) {
    boolean named = listener.getName() != null && !listener.getName().isBlank();
    ListenerProblems problems =
        new ListenerProblems(named ? listener.getName() : null, errors, notes);
    if (!named) {
      problems.refuse(path + ".name", ACCEPTED, "UnsupportedValue", "required");
    }
    Integer port = listener.getPort();
    if (port == null || port < 1 || port > 65_535) {
      problems.refuse(
          path + ".port", ACCEPTED, "PortUnavailable", "must be between 1 and 65535, was " + port);
    }
    String protocol = listener.getProtocol() == null ? "" : listener.getProtocol();
    GatewayState.Protocol parsed = null;
    switch (protocol) {
      case "HTTP" -> parsed = GatewayState.Protocol.HTTP;
      case "HTTPS" -> parsed = GatewayState.Protocol.HTTPS;
      case "TLS" -> parsed = GatewayState.Protocol.TLS;
      case "TCP" -> parsed = GatewayState.Protocol.TCP;
      default -> {
        if (named) {
          narrowedRouteKinds.put(listener.getName(), Set.of());
        }
        problems.refuse(
            path + ".protocol",
            ACCEPTED,
            "UnsupportedProtocol",
            "must be HTTP, HTTPS, TLS or TCP (UDP listeners are not supported), was '"
                + protocol
                + "'");
      }
    }
    if (parsed != null && named && !parsed.routeKinds().equals(RouteKind.ON_HTTP)) {
      narrowedRouteKinds.put(listener.getName(), parsed.routeKinds());
    }
    Optional<String> hostname =
        Optional.ofNullable(listener.getHostname()).filter(h -> !h.isEmpty());
    if (hostname.isPresent() && !HOSTNAME.matcher(hostname.get()).matches()) {
      problems.refuse(
          path + ".hostname",
          ACCEPTED,
          "UnsupportedValue",
          "must be a DNS name, optionally with a leading '*.' label, was '" + hostname.get() + "'");
    }
    boolean allNamespaces = false;
    Optional<LabelSelector> selector = Optional.empty();
    if (listener.getAllowedRoutes() != null) {
      var allowed = listener.getAllowedRoutes();
      String from =
          allowed.getNamespaces() == null || allowed.getNamespaces().getFrom() == null
              ? "Same"
              : allowed.getNamespaces().getFrom();
      switch (from) {
        case "Same" -> allNamespaces = false;
        case "All" -> allNamespaces = true;
        case "Selector" -> selector = selector(allowed.getNamespaces(), path, problems);
        default ->
            problems.refuse(
                path + ".allowedRoutes.namespaces.from",
                ACCEPTED,
                "UnsupportedValue",
                "must be Same, All or Selector, was '" + from + "'");
      }
      List<RouteGroupKind> kinds = HttpRouteConverter.orEmpty(allowed.getKinds());
      if (!kinds.isEmpty() && parsed != null) {
        Set<RouteKind> supported = routeKinds(kinds, parsed, path, problems);
        if (supported.isEmpty()) {
          problems.served = false; // no route could ever attach
        }
        if (named && !supported.equals(RouteKind.ON_HTTP)) {
          narrowedRouteKinds.put(listener.getName(), supported);
        }
      }
    }
    ListenerTlsOptions.Terminated tls =
        ListenerTlsOptions.terminated(listener, parsed, namespace, path, problems);
    if (!problems.served) {
      return Optional.empty();
    }
    return Optional.of(
        new GatewayState.Listener(
            listener.getName(),
            port,
            parsed,
            // "Hostname is ignored for protocols that don't require hostname based matching"
            // (apis/v1/gateway_types.go, Listener.hostname): TCP.
            parsed == GatewayState.Protocol.TCP ? Optional.empty() : hostname,
            allNamespaces,
            tls.secrets(),
            selector,
            tls.options()));
  }

  /**
   * The kinds {@code allowedRoutes.kinds} names that a listener of {@code protocol} carries; each
   * other one is noted {@code InvalidRouteKinds}.
   */
  private static Set<RouteKind> routeKinds(
      List<RouteGroupKind> kinds,
      GatewayState.Protocol protocol,
      String path,
      ListenerProblems problems) {
    Set<RouteKind> supported = EnumSet.noneOf(RouteKind.class);
    for (int k = 0; k < kinds.size(); k++) {
      RouteGroupKind kind = kinds.get(k);
      String group = kind.getGroup() == null ? HttpRouteConverter.GATEWAY_GROUP : kind.getGroup();
      Optional<RouteKind> carried =
          protocol.routeKinds().stream()
              .filter(
                  r ->
                      group.equals(HttpRouteConverter.GATEWAY_GROUP)
                          && r.kindName().equals(kind.getKind()))
              .findFirst();
      if (carried.isPresent()) {
        supported.add(carried.get());
      } else {
        problems.note(
            path + ".allowedRoutes.kinds[" + k + "]",
            RESOLVED_REFS,
            "InvalidRouteKinds",
            (protocol.streams() ? "a " : "an ")
                + protocol
                + " listener carries only "
                + String.join(
                    " and ",
                    protocol.routeKinds().stream().sorted().map(RouteKind::kindName).toList())
                + ", was "
                + kind.getKind()
                + " in group '"
                + group
                + "'");
      }
    }
    return supported;
  }

  /** {@code from: Selector}'s selector, which the Gateway API requires with it, checked. */
  private static Optional<LabelSelector> selector(
      RouteNamespaces namespaces, String path, ListenerProblems problems) {
    String field = path + ".allowedRoutes.namespaces.selector";
    if (namespaces.getSelector() == null) {
      problems.refuse(field, ACCEPTED, "UnsupportedValue", "required when from is Selector");
      return Optional.empty();
    }
    return LabelSelectors.convert(
        namespaces.getSelector(),
        field,
        (at, message) -> problems.refuse(at, ACCEPTED, "UnsupportedValue", message));
  }
}
