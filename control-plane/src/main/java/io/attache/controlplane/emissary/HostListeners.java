package io.attache.controlplane.emissary;

import io.attache.controlplane.emissary.EmissaryHost.Insecure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one Gateway that stands for Emissary's listeners: HTTPS on 8443 per Host with a TLS Secret
 * (Emissary's default secure port), one HTTP listener on 8080 (its default cleartext port) for
 * Hosts that route or redirect plaintext, and the redirects themselves.
 */
final class HostListeners {
  static final String GATEWAY = "emissary";
  static final String HTTP_LISTENER = "http";

  private final String namespace;
  private final String gatewayClass;
  private final List<EmissaryHost> hosts;
  private final List<String> report;

  HostListeners(
      String namespace, String gatewayClass, List<EmissaryHost> hosts, List<String> report) {
    this.namespace = namespace;
    this.gatewayClass = gatewayClass;
    this.hosts = hosts;
    this.report = report;
  }

  static String httpsListener(EmissaryHost host) {
    return "https-" + host.name();
  }

  /** Whether {@code a} and {@code b}, either a glob, can name the same host (irhost.py). */
  static boolean globsMatch(String a, String b) {
    return matches(a, b) || matches(b, a);
  }

  private static boolean matches(String glob, String name) {
    if (glob.equals("*")) {
      return true;
    }
    if (glob.startsWith("*")) {
      return name.toLowerCase().endsWith(glob.substring(1).toLowerCase());
    }
    if (glob.endsWith("*")) {
      return name.toLowerCase().startsWith(glob.substring(0, glob.length() - 1).toLowerCase());
    }
    return glob.equalsIgnoreCase(name);
  }

  /**
   * Where a Mapping's route goes: the listeners of the Hosts that serve it, and the route's
   * hostnames, its own or, without one, those of the Hosts whose selector chose it (none when one
   * of them is {@code *}).
   */
  record Attachment(List<String> sections, List<String> hostnames) {}

  /** The listeners and hostnames of {@code mapping}'s route ({@link EmissaryHost#serves}). */
  Attachment attachmentFor(EmissaryMapping mapping) {
    List<String> sections = new ArrayList<>();
    Set<String> hostnames = new LinkedHashSet<>();
    boolean plaintext = false;
    for (EmissaryHost host : hosts) {
      if (!host.serves(mapping.hostname(), mapping.metadataLabels())) {
        continue;
      }
      host.tlsSecret().ifPresent(secret -> sections.add(httpsListener(host)));
      plaintext |= host.insecure() == Insecure.ROUTE;
      hostnames.add(host.hostname());
    }
    if (plaintext) {
      sections.add(HTTP_LISTENER);
    }
    if (mapping.hostname().isPresent()) {
      hostnames = new LinkedHashSet<>(List.of(mapping.hostname().get()));
    }
    return new Attachment(sections, hostnames.contains("*") ? List.of() : List.copyOf(hostnames));
  }

  List<Map<String, Object>> objects() {
    List<Map<String, Object>> listeners = new ArrayList<>();
    List<Map<String, Object>> objects = new ArrayList<>();
    boolean http = false;
    for (EmissaryHost host : hosts) {
      host.notCarried()
          .forEach(
              (field, why) -> report.add("Host " + host.key() + ": spec." + field + ": " + why));
      if (host.tlsSecret().isPresent()) {
        listeners.add(https(host));
        List<String> secret = host.tlsSecret().get();
        if (!secret.get(0).equals(namespace)) {
          objects.add(
              Yaml.referenceGrant(
                  secret.get(0), "Gateway", namespace, "", "Secret", "emissary-tls-" + namespace));
        }
      } else if (host.insecure() != Insecure.ROUTE) {
        report.add(
            "Host "
                + host.key()
                + ": no tlsSecret, and plaintext requests are "
                + (host.insecure() == Insecure.REDIRECT
                    ? "redirected to HTTPS (Emissary's default), where nothing serves them"
                    : "rejected: nothing serves it")
                + "; set spec.requestPolicy.insecure.action: Route to serve it over HTTP");
      }
      if (host.insecure() == Insecure.REDIRECT) {
        objects.add(redirect(host));
        http = true;
      }
      http |= host.insecure() == Insecure.ROUTE;
    }
    if (http) {
      Map<String, Object> listener = new LinkedHashMap<>();
      listener.put("name", HTTP_LISTENER);
      listener.put("port", 8080);
      listener.put("protocol", "HTTP");
      listener.put("allowedRoutes", Map.of("namespaces", Map.of("from", "All")));
      listeners.add(0, listener);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("gatewayClassName", gatewayClass);
    spec.put("listeners", listeners);
    objects.add(
        0, Yaml.object("gateway.networking.k8s.io/v1", "Gateway", namespace, GATEWAY, spec));
    return objects;
  }

  private Map<String, Object> https(EmissaryHost host) {
    Map<String, Object> listener = new LinkedHashMap<>();
    listener.put("name", httpsListener(host));
    if (!host.hostname().equals("*")) {
      listener.put("hostname", host.hostname());
    }
    listener.put("port", 8443);
    listener.put("protocol", "HTTPS");
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("name", host.tlsSecret().get().get(1));
    if (!host.tlsSecret().get().get(0).equals(namespace)) {
      ref.put("namespace", host.tlsSecret().get().get(0));
    }
    listener.put("tls", Map.of("mode", "Terminate", "certificateRefs", List.of(ref)));
    listener.put("allowedRoutes", Map.of("namespaces", Map.of("from", "All")));
    return listener;
  }

  /** Emissary answers plaintext for a redirecting Host with a 301 to the same URL over HTTPS. */
  private Map<String, Object> redirect(EmissaryHost host) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(Yaml.parent(namespace, HTTP_LISTENER)));
    if (!host.hostname().equals("*")) {
      spec.put("hostnames", List.of(host.hostname()));
    }
    Map<String, Object> redirect = new LinkedHashMap<>();
    redirect.put("scheme", "https");
    redirect.put("statusCode", 301);
    spec.put(
        "rules",
        List.of(
            Map.of(
                "filters",
                List.of(Map.of("type", "RequestRedirect", "requestRedirect", redirect)))));
    return Yaml.object(
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        host.namespace(),
        "emissary-redirect-" + host.name(),
        spec);
  }
}
