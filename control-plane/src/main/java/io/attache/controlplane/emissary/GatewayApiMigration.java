package io.attache.controlplane.emissary;

import io.attache.controlplane.model.RouteExtensions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Emissary Mappings and Hosts as Gateway API objects that route the same requests the same way: one
 * Gateway (see {@link HostListeners}), an HTTPRoute per group of Mappings (canaries share a rule,
 * split by weight), TrafficPolicies for retries, balancing and breakers ({@link
 * MappingTrafficPolicies}), and the ReferenceGrants cross-namespace references need. What cannot be
 * carried over is left out of the objects and said in the report, naming the object, field and
 * reason.
 */
public final class GatewayApiMigration {
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private GatewayApiMigration() {}

  /** The objects to apply, and every difference or loss, one line each. */
  public record Result(List<Map<String, Object>> objects, List<String> report) {}

  /**
   * The backend ({@code namespace/name:port}) a Mapping's requests must reach over TLS, if they
   * must: an {@code https://} service, or one whose Mapping has a {@code tls} other than false.
   */
  public static Optional<String> tlsBackend(String service, String namespace, Object tls) {
    boolean tlsField = tls != null && !Boolean.FALSE.equals(tls);
    return ServiceName.parse(service, namespace, tlsField)
        .filter(ServiceName::tls)
        .map(s -> s.namespace() + "/" + s.name() + ":" + s.port());
  }

  public static Result migrate(List<EmissaryMapping> mappings, List<EmissaryHost> hosts) {
    return migrate(mappings, hosts, List.of(), List.of(), "attache");
  }

  /**
   * As above, with Emissary's {@code listeners} (none: the two its Helm chart installs) and TLS
   * {@code contexts}, for Gateways of {@code gatewayClass}.
   */
  public static Result migrate(
      List<EmissaryMapping> mappings,
      List<EmissaryHost> hosts,
      List<EmissaryListener> listeners,
      List<EmissaryTlsContext> contexts,
      String gatewayClass) {
    List<String> report = new ArrayList<>();
    List<EmissaryHost> sortedHosts = new ArrayList<>(hosts);
    sortedHosts.sort(Comparator.comparing(EmissaryHost::key));
    String namespace = sortedHosts.isEmpty() ? "default" : sortedHosts.get(0).namespace();
    HostListeners gateway =
        new HostListeners(namespace, gatewayClass, sortedHosts, listeners, contexts, report);
    List<Map<String, Object>> objects = new ArrayList<>(gateway.objects());
    Set<List<String>> grants = new LinkedHashSet<>();
    List<MappingGroups.Group> routed = new ArrayList<>();
    for (MappingGroups.Group group : MappingGroups.of(mappings)) {
      group.mappings().forEach(m -> reportNotCarried(m, report));
      Optional<Map<String, Object>> route = route(group, gateway, namespace, grants, report);
      route.ifPresent(objects::add);
      route.ifPresent(r -> routed.add(group));
    }
    objects.addAll(MappingTrafficPolicies.of(routed, report));
    for (List<String> grant : grants) {
      objects.add(
          Yaml.referenceGrant(
              grant.get(1),
              "HTTPRoute",
              grant.get(0),
              "",
              "Service",
              "emissary-from-" + grant.get(0)));
    }
    return new Result(List.copyOf(objects), List.copyOf(report));
  }

  private static void reportNotCarried(EmissaryMapping mapping, List<String> report) {
    mapping
        .notCarried()
        .forEach(
            (field, why) ->
                report.add(
                    "Mapping " + mapping.key() + ": spec." + field + ": not carried over: " + why));
  }

  private static Optional<Map<String, Object>> route(
      MappingGroups.Group group,
      HostListeners listeners,
      String gatewayNamespace,
      Set<List<String>> grants,
      List<String> report) {
    EmissaryMapping primary = group.primary();
    String where = "Mapping " + primary.key();
    if (MappingGroups.total(group) > 100) {
      report.add(where + ": left out: the weights of its group add up to more than 100");
      return Optional.empty();
    }
    HostListeners.Attachment attachment = listeners.attachmentFor(primary);
    List<String> sections = attachment.sections();
    if (sections.isEmpty()) {
      report.add(
          where
              + ": left out: "
              + primary
                  .hostname()
                  .map(hostname -> "no Host serves hostname " + hostname)
                  .orElse(
                      "without spec.hostname a Mapping matches no Host but one whose"
                          + " mappingSelector selects it (Emissary's own examples set hostname:"
                          + " \"*\")"));
      return Optional.empty();
    }
    Optional<Map<String, Object>> match = match(primary, report);
    if (match.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("matches", List.of(match.get()));
    List<Map<String, Object>> filters = RouteFilters.of(primary, report);
    if (!filters.isEmpty()) {
      rule.put("filters", filters);
    }
    if (primary.redirect().isEmpty()) {
      rule.put("backendRefs", backends(group, grants, report));
    }
    rule.put("timeouts", Map.of("request", duration(primary.timeoutMillis())));
    for (EmissaryMapping other : group.mappings().subList(1, group.mappings().size())) {
      if (!RouteFilters.of(other, new ArrayList<>()).equals(filters)
          || other.timeoutMillis() != primary.timeoutMillis()) {
        report.add(
            "Mapping "
                + other.key()
                + ": its rewrite, headers, redirect or timeout differ from "
                + primary.key()
                + "'s, with which it shares traffic; the route keeps "
                + primary.key()
                + "'s");
      }
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    List<Object> parents = new ArrayList<>();
    sections.forEach(section -> parents.add(Yaml.parent(gatewayNamespace, section)));
    spec.put("parentRefs", parents);
    if (!attachment.hostnames().isEmpty()) {
      spec.put("hostnames", attachment.hostnames());
    }
    spec.put("rules", List.of(rule));
    Map<String, Object> route =
        Yaml.object(
            "gateway.networking.k8s.io/v1", "HTTPRoute", primary.namespace(), primary.name(), spec);
    annotate(route, group, report);
    return Optional.of(route);
  }

  /**
   * The route's {@code attache.io/} annotations, from its group's first Mapping (the others are
   * reported where theirs differ). A redirect is never checked, as v3route.py disables ext_authz
   * for host_redirect: the redirect is answered first.
   */
  @SuppressWarnings("unchecked") // Yaml.object's metadata is a Map<String, Object>
  private static void annotate(
      Map<String, Object> route, MappingGroups.Group group, List<String> report) {
    EmissaryMapping primary = group.primary();
    Map<String, String> annotations = new LinkedHashMap<>(AnnotatedFields.of(primary.extensions()));
    if (primary.redirect().isPresent()) {
      annotations.remove(RouteExtensions.AUTH_CONTEXT_ANNOTATION);
      annotations.put(RouteExtensions.EXT_AUTHZ_ANNOTATION, "disabled");
    } else {
      Set<String> tls = new TreeSet<>();
      for (EmissaryMapping m : group.mappings()) {
        ServiceName.of(m)
            .filter(ServiceName::tls)
            .ifPresent(s -> tls.add(s.namespace() + "/" + s.name() + ":" + s.port()));
      }
      if (!tls.isEmpty()) {
        annotations.put(RouteExtensions.BACKEND_TLS_ANNOTATION, String.join(",", tls));
      }
    }
    if (!annotations.isEmpty()) {
      ((Map<String, Object>) route.get("metadata")).put("annotations", annotations);
    }
    for (EmissaryMapping other : group.mappings().subList(1, group.mappings().size())) {
      if (!other.extensions().equals(primary.extensions())) {
        report.add(
            "Mapping "
                + other.key()
                + ": its fields carried as annotations (bypass_auth, cors, labels, ...) differ from "
                + primary.key()
                + "'s, with which it shares traffic; the route keeps "
                + primary.key()
                + "'s");
      }
    }
  }

  private static Optional<Map<String, Object>> match(EmissaryMapping m, List<String> report) {
    String where = "Mapping " + m.key();
    Map<String, Object> match = new LinkedHashMap<>();
    Map<String, Object> path = new LinkedHashMap<>();
    switch (m.pathKind()) {
      case REGEX -> path.put("type", "RegularExpression");
      case EXACT -> path.put("type", "Exact");
      case PREFIX -> {
        path.put("type", "PathPrefix");
        if (!m.prefix().equals("/")) {
          report.add(
              where
                  + ": note: Emissary's prefix "
                  + m.prefix()
                  + " is a string prefix, kept by the route's attache.io/path-prefix: string;"
                  + " without it PathPrefix matches whole segments"
                  + (m.prefix().endsWith("/")
                      ? " (and also " + m.prefix().substring(0, m.prefix().length() - 1) + ")"
                      : " (not " + m.prefix() + "x…)"));
        }
      }
    }
    path.put("value", m.prefix());
    match.put("path", path);
    List<Object> headers = values(m.headers(), m.regexHeaders());
    if (!headers.isEmpty()) {
      match.put("headers", headers);
    }
    List<Object> query = values(m.queryParameters(), m.regexQueryParameters());
    if (!query.isEmpty()) {
      match.put("queryParams", query);
    }
    if (m.method().isPresent()) {
      if (!METHODS.contains(m.method().get()) || m.notCarried().containsKey("method_regex")) {
        report.add(
            where + ": left out: spec.method " + m.method().get() + " is not an HTTPRoute method");
        return Optional.empty();
      }
      match.put("method", m.method().get());
    }
    return Optional.of(match);
  }

  /** Exact values, presence ({@code true}: any value) and regular expressions, in name order. */
  private static List<Object> values(Map<String, String> exact, Map<String, String> regex) {
    List<Object> matches = new ArrayList<>();
    new java.util.TreeMap<>(exact)
        .forEach(
            (name, value) ->
                matches.add(
                    value == null
                        ? valueMatch("RegularExpression", name, ".*")
                        : valueMatch("Exact", name, value)));
    new java.util.TreeMap<>(regex)
        .forEach((name, value) -> matches.add(valueMatch("RegularExpression", name, value)));
    return matches;
  }

  private static Map<String, Object> valueMatch(String type, String name, String value) {
    Map<String, Object> match = new LinkedHashMap<>();
    match.put("type", type);
    match.put("name", name);
    match.put("value", value);
    return match;
  }

  private static List<Object> backends(
      MappingGroups.Group group, Set<List<String>> grants, List<String> report) {
    List<Object> backends = new ArrayList<>();
    for (int i = 0; i < group.mappings().size(); i++) {
      EmissaryMapping m = group.mappings().get(i);
      Optional<ServiceName> service = ServiceName.of(m);
      if (service.isEmpty()) {
        report.add(
            "Mapping "
                + m.key()
                + ": spec.service: not carried over: "
                + m.service()
                + " is not a Kubernetes Service (name[.namespace][:port])");
        continue;
      }
      Map<String, Object> backend = new LinkedHashMap<>();
      backend.put("name", service.get().name());
      if (!service.get().namespace().equals(group.primary().namespace())) {
        backend.put("namespace", service.get().namespace());
        grants.add(List.of(group.primary().namespace(), service.get().namespace()));
      }
      backend.put("port", service.get().port());
      if (group.mappings().size() > 1) {
        backend.put("weight", group.weights().get(i));
      }
      if (service.get().tls()) {
        // A note, not a problem: the route says the backend needs TLS, and its status says
        // whether a BackendTLSPolicy covers it (until one does, the requests fail).
        report.add(
            "Mapping "
                + m.key()
                + ": note: spec.service: its requests (https://, or spec.tls) go only over TLS that"
                + " a BackendTLSPolicy for Service "
                + service.get().namespace()
                + "/"
                + service.get().name()
                + " port "
                + service.get().port()
                + " originates, naming the CA and hostname to verify (none is guessed); until one"
                + " does, its requests fail ("
                + RouteExtensions.BACKEND_TLS_ANNOTATION
                + ")");
      }
      backends.add(backend);
    }
    return backends;
  }

  /** Gateway API durations: at most five digits and a unit; 0 disables the timeout. */
  static String duration(int millis) {
    if (millis == 0) {
      return "0s";
    }
    return millis % 1000 == 0 && millis / 1000 < 100_000
        ? (millis / 1000) + "s"
        : millis < 100_000 ? millis + "ms" : Math.round(millis / 1000.0) + "s";
  }
}
