package io.attache.controlplane.emissary;

import io.attache.controlplane.emissary.EmissaryHost.Insecure;
import io.attache.controlplane.model.RouteExtensions;
import io.attache.controlplane.model.TlsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one Gateway that stands for Emissary's Listeners and Hosts (irlistener.py, v3listener.py): on
 * each HTTPS Listener's port an HTTPS listener per Host it binds that has a TLS Secret; on each
 * HTTP Listener's port one HTTP listener, where a Host's routes go when the port is secure ({@code
 * SECURE}) or the Host routes plaintext ({@code requestPolicy.insecure.action: Route}), and its
 * redirect to HTTPS when it redirects (Emissary's default). Without any Listener, the two
 * Emissary's Helm chart installs ({@link EmissaryListener#CHART_DEFAULTS}).
 */
final class HostListeners {
  static final String GATEWAY = "emissary";
  static final String HTTP_LISTENER = "http";
  private static final int DEFAULT_HTTP_PORT = 8080;
  private static final int DEFAULT_HTTPS_PORT = 8443;

  private final String namespace;
  private final String gatewayClass;
  private final List<EmissaryHost> hosts;
  private final List<EmissaryListener> listeners;
  private final List<EmissaryTlsContext> contexts;
  private final List<String> report;
  private final Map<String, List<String>> sectionsByHost = new LinkedHashMap<>();
  private final List<Map<String, Object>> gatewayListeners = new ArrayList<>();
  private final List<Map<String, Object>> objects = new ArrayList<>();
  private final Set<String> sectionNames = new LinkedHashSet<>();
  private final Set<String> refusedTls = new LinkedHashSet<>();

  HostListeners(
      String namespace,
      String gatewayClass,
      List<EmissaryHost> hosts,
      List<EmissaryListener> listeners,
      List<EmissaryTlsContext> contexts,
      List<String> report) {
    this.namespace = namespace;
    this.contexts = contexts;
    this.gatewayClass = gatewayClass;
    this.hosts = hosts;
    this.listeners = listeners.isEmpty() ? EmissaryListener.CHART_DEFAULTS : listeners;
    this.report = report;
    build();
  }

  static String httpListener(int port) {
    return HTTP_LISTENER + offDefault(port, DEFAULT_HTTP_PORT);
  }

  /** {@code -<port>} for a port that is not Emissary's default one, else nothing. */
  private static String offDefault(int port, int defaultPort) {
    return port == defaultPort ? "" : "-" + port;
  }

  /**
   * {@code https-<host>} (with {@code -<port>} off 8443); a second Host of that name, in another
   * namespace, gets its namespace in it too, since a Gateway's listener names are unique.
   */
  private String httpsListener(EmissaryHost host, int port) {
    String name = "https-" + host.name() + offDefault(port, DEFAULT_HTTPS_PORT);
    if (!sectionNames.add(name)) {
      name = "https-" + host.namespace() + "-" + host.name() + offDefault(port, DEFAULT_HTTPS_PORT);
      sectionNames.add(name);
    }
    return name;
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
    Set<String> sections = new LinkedHashSet<>();
    Set<String> hostnames = new LinkedHashSet<>();
    for (EmissaryHost host : hosts) {
      if (host.serves(
          mapping.hostname(),
          mapping.extensions().hostRegex().isPresent(),
          mapping.metadataLabels())) {
        sections.addAll(sectionsByHost.getOrDefault(host.key(), List.of()));
        hostnames.add(host.hostname());
      }
    }
    if (mapping.hostname().isPresent()) {
      hostnames = new LinkedHashSet<>(List.of(mapping.hostname().get()));
    }
    return new Attachment(
        List.copyOf(sections), hostnames.contains("*") ? List.of() : List.copyOf(hostnames));
  }

  /** The Gateway first, then the redirects and ReferenceGrants its Hosts need. */
  List<Map<String, Object>> objects() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("gatewayClassName", gatewayClass);
    spec.put("listeners", gatewayListeners);
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(Yaml.object("gateway.networking.k8s.io/v1", "Gateway", namespace, GATEWAY, spec));
    all.addAll(objects);
    return all;
  }

  private void build() {
    Set<String> grants = new LinkedHashSet<>();
    for (EmissaryListener listener : onePerPort()) {
      List<EmissaryHost> bound = hosts.stream().filter(listener::binds).toList();
      if (listener.protocol() == EmissaryListener.Protocol.HTTPS) {
        for (EmissaryHost host : bound) {
          if (host.tlsSecret().isEmpty()) {
            continue;
          }
          Optional<TlsOptions> tls = tlsOf(host);
          if (tls.isEmpty()) {
            refusedTls.add(host.key()); // reported by tlsOf
          } else {
            grants.add(host.tlsSecret().get().get(0));
            String section = httpsListener(host, listener.port());
            gatewayListeners.add(https(host, section, listener.port(), tls.get()));
            sectionsByHost.computeIfAbsent(host.key(), k -> new ArrayList<>()).add(section);
          }
        }
      } else {
        plaintext(listener, bound);
      }
    }
    for (EmissaryHost host : hosts) {
      if (!sectionsByHost.containsKey(host.key()) && !refusedTls.contains(host.key())) {
        report.add("Host " + host.key() + ": " + unserved(host));
      }
    }
    for (String secretNamespace : grants) {
      if (!secretNamespace.equals(namespace)) {
        objects.add(
            Yaml.referenceGrant(
                secretNamespace, "Gateway", namespace, "", "Secret", "emissary-tls-" + namespace));
      }
    }
  }

  /**
   * The Listeners by port, one per port: Emissary keeps the first of those that share one (ir.py
   * save_listener), here the first by namespace and name, and the others are reported.
   */
  private List<EmissaryListener> onePerPort() {
    List<EmissaryListener> sorted = new ArrayList<>(listeners);
    sorted.sort(
        java.util.Comparator.comparingInt(EmissaryListener::port)
            .thenComparing(EmissaryListener::key));
    Map<Integer, EmissaryListener> kept = new LinkedHashMap<>();
    for (EmissaryListener listener : sorted) {
      EmissaryListener first = kept.putIfAbsent(listener.port(), listener);
      if (first != null) {
        report.add(
            "Listener "
                + listener.key()
                + ": left out: port "
                + listener.port()
                + " is "
                + first.key()
                + "'s (one Listener per port)");
      }
    }
    return List.copyOf(kept.values());
  }

  /** One HTTP listener for the port, if any bound Host has something on it. */
  private void plaintext(EmissaryListener listener, List<EmissaryHost> bound) {
    String section = httpListener(listener.port());
    boolean used = false;
    for (EmissaryHost host : bound) {
      if (listener.secure() || host.insecure() == Insecure.ROUTE) {
        sectionsByHost.computeIfAbsent(host.key(), k -> new ArrayList<>()).add(section);
        used = true;
      } else if (host.insecure() == Insecure.REDIRECT) {
        objects.add(redirect(host, section, listener.port()));
        used = true;
      }
    }
    if (used) {
      Map<String, Object> http = new LinkedHashMap<>();
      http.put("name", section);
      http.put("port", listener.port());
      http.put("protocol", "HTTP");
      http.put("allowedRoutes", Map.of("namespaces", Map.of("from", "All")));
      gatewayListeners.add(http);
    }
  }

  private String unserved(EmissaryHost host) {
    if (listeners.stream().noneMatch(l -> l.binds(host))) {
      return "no Listener binds it (hostBinding), so nothing serves it";
    }
    if (host.tlsSecret().isPresent()) {
      return "no HTTPS Listener binds it, and plaintext requests are "
          + (host.insecure() == Insecure.REDIRECT ? "redirected to HTTPS" : "rejected")
          + ": nothing serves its routes";
    }
    return "no tlsSecret, and plaintext requests are "
        + (host.insecure() == Insecure.REDIRECT
            ? "redirected to HTTPS (Emissary's default), where nothing serves them"
            : "rejected: nothing serves it")
        + "; set spec.requestPolicy.insecure.action: Route to serve it over HTTP";
  }

  private Map<String, Object> https(
      EmissaryHost host, String section, int port, TlsOptions settings) {
    Map<String, Object> listener = new LinkedHashMap<>();
    listener.put("name", section);
    if (!host.hostname().equals("*")) {
      listener.put("hostname", host.hostname());
    }
    listener.put("port", port);
    listener.put("protocol", "HTTPS");
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("name", host.tlsSecret().get().get(1));
    if (!host.tlsSecret().get().get(0).equals(namespace)) {
      ref.put("namespace", host.tlsSecret().get().get(0));
    }
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("mode", "Terminate");
    tls.put("certificateRefs", List.of(ref));
    Map<String, String> options = options(settings);
    if (!options.isEmpty()) {
      tls.put("options", options);
    }
    listener.put("tls", tls);
    listener.put("allowedRoutes", Map.of("namespaces", Map.of("from", "All")));
    return listener;
  }

  /**
   * A Host's TLS settings as irhost.py picks them: the TLSContext it names, else its inline {@code
   * tls}, else the TLSContext named {@code <host>-context}, else Envoy's defaults; TLSContexts are
   * found by name, in any namespace, as Emissary keys them. A named context that is missing or
   * names another Secret makes the Host inactive in Emissary (save_context): its HTTPS listener is
   * left out and reported, never served with weaker TLS. One whose {@code hosts} leave the Host out
   * is reported and used, as Emissary does.
   */
  private Optional<TlsOptions> tlsOf(EmissaryHost host) {
    String where = "Host " + host.key() + ": ";
    Optional<EmissaryTlsContext> context;
    if (host.tlsContext().isPresent()) {
      context = context(host.tlsContext().get());
      if (context.isEmpty()) {
        report.add(
            where
                + "left out of HTTPS: spec.tlsContext.name: no TLSContext "
                + host.tlsContext().get());
        return Optional.empty();
      }
    } else if (host.tls().isPresent()) {
      return host.tls();
    } else {
      context = context(host.name() + "-context");
    }
    if (context.isEmpty()) {
      return Optional.of(TlsOptions.DEFAULTS);
    }
    EmissaryTlsContext tls = context.get();
    String secret = host.tlsSecret().map(s -> s.get(1)).orElse("");
    if (tls.secret().isPresent() && !tls.secret().get().equals(secret)) {
      report.add(
          where
              + "left out of HTTPS: its TLSContext "
              + tls.key()
              + " names Secret "
              + tls.secret().get()
              + ", not the Host's "
              + secret);
      return Optional.empty();
    }
    if (!tls.hosts().isEmpty()
        && !tls.hosts().contains(host.hostname())
        && !tls.hosts().contains(host.name())) {
      report.add(
          where
              + "its TLSContext "
              + tls.key()
              + " lists hosts "
              + tls.hosts()
              + " without "
              + host.hostname()
              + " (used anyway, as Emissary does)");
    }
    return Optional.of(tls.options());
  }

  /** The TLSContext of that name, the first by namespace when several have it. */
  private Optional<EmissaryTlsContext> context(String name) {
    return contexts.stream()
        .filter(c -> c.name().equals(name))
        .min(java.util.Comparator.comparing(EmissaryTlsContext::key));
  }

  /** {@link TlsOptions} as a Gateway listener's {@code tls.options}, Attaché's keys. */
  private static Map<String, String> options(TlsOptions tls) {
    Map<String, String> options = new LinkedHashMap<>();
    tls.minVersion().ifPresent(v -> options.put(TlsOptions.MIN_VERSION, v));
    tls.maxVersion().ifPresent(v -> options.put(TlsOptions.MAX_VERSION, v));
    if (!tls.cipherSuites().isEmpty()) {
      options.put(TlsOptions.CIPHER_SUITES, String.join(",", tls.cipherSuites()));
    }
    if (!tls.ecdhCurves().isEmpty()) {
      options.put(TlsOptions.ECDH_CURVES, String.join(",", tls.ecdhCurves()));
    }
    if (!tls.alpn().isEmpty()) {
      options.put(TlsOptions.ALPN, String.join(",", tls.alpn()));
    }
    return options;
  }

  /** Emissary answers plaintext for a redirecting Host with a 301 to the same URL over HTTPS. */
  private Map<String, Object> redirect(EmissaryHost host, String section, int port) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(Yaml.parent(namespace, section)));
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
    Map<String, Object> route =
        Yaml.object(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            host.namespace(),
            "emissary-redirect-" + host.name() + offDefault(port, DEFAULT_HTTP_PORT),
            spec);
    noAuth(route);
    return route;
  }

  /**
   * v3route.py disables ext_authz on redirects (the insecure action's and host_redirect's), so the
   * redirect is sent before any check: the route's {@code attache.io/ext-authz: disabled}.
   */
  @SuppressWarnings("unchecked") // Yaml.object's metadata is a Map<String, Object>
  static void noAuth(Map<String, Object> route) {
    ((Map<String, Object>) route.get("metadata"))
        .put("annotations", Map.of(RouteExtensions.EXT_AUTHZ_ANNOTATION, "disabled"));
  }
}
