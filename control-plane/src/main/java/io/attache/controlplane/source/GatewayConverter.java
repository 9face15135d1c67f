package io.attache.controlplane.source;

import io.attache.controlplane.model.GatewayState;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Gateway API v1 {@code Gateway} and turns it into a {@link GatewayState}. Only HTTP and
 * HTTPS (TLS terminated, certificates from Secrets) listeners are translated; other protocols,
 * namespace selectors and route kinds other than HTTPRoute are reported, not ignored.
 */
final class GatewayConverter {
  /** The default {@code gatewayClassName} this control plane serves. */
  static final String DEFAULT_CLASS = "attache";

  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private GatewayConverter() {}

  /** Whether this Gateway belongs to {@code gatewayClass}; others are some other controller's. */
  static boolean ours(Gateway gateway, String gatewayClass) {
    return gateway.getSpec() != null
        && gatewayClass.equals(gateway.getSpec().getGatewayClassName());
  }

  static Optional<GatewayState> convert(Gateway gateway, DocumentErrors errors) {
    String name = Metadata.name(gateway, errors);
    String namespace = Metadata.namespace(gateway);
    boolean valid = name != null;
    List<Listener> specListeners =
        gateway.getSpec() == null
            ? List.of()
            : HttpRouteConverter.orEmpty(gateway.getSpec().getListeners());
    if (specListeners.isEmpty()) {
      errors.add("spec.listeners", "at least one listener is required");
      valid = false;
    }
    List<GatewayState.Listener> listeners = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<Integer, GatewayState.Protocol> protocolByPort = new HashMap<>();
    Set<String> portAndHost = new HashSet<>();
    for (int i = 0; i < specListeners.size(); i++) {
      Listener listener = specListeners.get(i);
      String path = "spec.listeners[" + i + "]";
      Optional<GatewayState.Listener> converted = listener(listener, namespace, path, errors);
      if (converted.isEmpty()) {
        valid = false;
        continue;
      }
      GatewayState.Listener l = converted.get();
      if (!names.add(l.name())) {
        errors.add(path + ".name", "listener name '" + l.name() + "' is used twice");
        valid = false;
      }
      GatewayState.Protocol other = protocolByPort.putIfAbsent(l.port(), l.protocol());
      if (other != null && other != l.protocol()) {
        errors.add(
            path + ".protocol", "port " + l.port() + " already has a " + other + " listener");
        valid = false;
      }
      if (!portAndHost.add(l.port() + "/" + l.hostname().orElse("*"))) {
        errors.add(
            path + ".hostname",
            "another listener has port "
                + l.port()
                + " and hostname "
                + l.hostname().orElse("(none)"));
        valid = false;
      }
      listeners.add(l);
    }
    if (!valid) {
      return Optional.empty();
    }
    long generation =
        gateway.getMetadata().getGeneration() == null ? 0 : gateway.getMetadata().getGeneration();
    return Optional.of(new GatewayState(namespace, name, generation, listeners));
  }

  private static Optional<GatewayState.Listener> listener(
      Listener listener, String namespace, String path, DocumentErrors errors) {
    boolean valid = true;
    if (listener.getName() == null || listener.getName().isBlank()) {
      errors.add(path + ".name", "required");
      valid = false;
    }
    Integer port = listener.getPort();
    if (port == null || port < 1 || port > 65_535) {
      errors.add(path + ".port", "must be between 1 and 65535, was " + port);
      valid = false;
    }
    String protocol = listener.getProtocol() == null ? "" : listener.getProtocol();
    GatewayState.Protocol parsed = null;
    switch (protocol) {
      case "HTTP" -> parsed = GatewayState.Protocol.HTTP;
      case "HTTPS" -> parsed = GatewayState.Protocol.HTTPS;
      default -> {
        errors.add(
            path + ".protocol",
            "must be HTTP or HTTPS (TLS, TCP and UDP listeners are not supported), was '"
                + protocol
                + "'");
        valid = false;
      }
    }
    Optional<String> hostname =
        Optional.ofNullable(listener.getHostname()).filter(h -> !h.isEmpty());
    if (hostname.isPresent() && !HOSTNAME.matcher(hostname.get()).matches()) {
      errors.add(
          path + ".hostname",
          "must be a DNS name, optionally with a leading '*.' label, was '" + hostname.get() + "'");
      valid = false;
    }
    boolean allNamespaces = false;
    if (listener.getAllowedRoutes() != null) {
      var allowed = listener.getAllowedRoutes();
      String from =
          allowed.getNamespaces() == null || allowed.getNamespaces().getFrom() == null
              ? "Same"
              : allowed.getNamespaces().getFrom();
      switch (from) {
        case "Same" -> allNamespaces = false;
        case "All" -> allNamespaces = true;
        default -> {
          errors.add(
              path + ".allowedRoutes.namespaces.from",
              "must be Same or All (Selector is not supported), was '" + from + "'");
          valid = false;
        }
      }
      List<RouteGroupKind> kinds = HttpRouteConverter.orEmpty(allowed.getKinds());
      for (int k = 0; k < kinds.size(); k++) {
        RouteGroupKind kind = kinds.get(k);
        String group = kind.getGroup() == null ? HttpRouteConverter.GATEWAY_GROUP : kind.getGroup();
        if (!group.equals(HttpRouteConverter.GATEWAY_GROUP)
            || !"HTTPRoute".equals(kind.getKind())) {
          errors.add(
              path + ".allowedRoutes.kinds[" + k + "]",
              "only HTTPRoute is supported, was " + kind.getKind() + " in group '" + group + "'");
          valid = false;
        }
      }
    }
    List<String> secrets = new ArrayList<>();
    if (parsed == GatewayState.Protocol.HTTPS) {
      var tls = listener.getTls();
      String mode = tls == null || tls.getMode() == null ? "Terminate" : tls.getMode();
      if (!mode.equals("Terminate")) {
        errors.add(path + ".tls.mode", "must be Terminate for HTTPS, was '" + mode + "'");
        valid = false;
      }
      var refs =
          tls == null
              ? List.<io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference>of()
              : HttpRouteConverter.orEmpty(tls.getCertificateRefs());
      if (refs.isEmpty()) {
        errors.add(
            path + ".tls.certificateRefs",
            "an HTTPS listener needs at least one certificate Secret");
        valid = false;
      }
      for (int r = 0; r < refs.size(); r++) {
        var ref = refs.get(r);
        boolean secret =
            (ref.getGroup() == null || ref.getGroup().isEmpty())
                && (ref.getKind() == null || ref.getKind().equals("Secret"));
        if (!secret || ref.getName() == null || ref.getName().isBlank()) {
          errors.add(
              path + ".tls.certificateRefs[" + r + "]",
              "must name a Secret (group \"\", kind Secret)");
          valid = false;
        } else {
          secrets.add(
              (ref.getNamespace() == null ? namespace : ref.getNamespace()) + "/" + ref.getName());
        }
      }
    } else if (listener.getTls() != null) {
      errors.add(path + ".tls", "only an HTTPS listener may have tls");
      valid = false;
    }
    if (!valid) {
      return Optional.empty();
    }
    return Optional.of(
        new GatewayState.Listener(
            listener.getName(), port, parsed, hostname, allNamespaces, secrets));
  }
}
