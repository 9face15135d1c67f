package io.attache.controlplane.emissary;

import io.attache.controlplane.emissary.EmissaryMapping.AddedHeader;
import io.attache.controlplane.emissary.EmissaryMapping.PathKind;
import io.attache.controlplane.emissary.EmissaryMapping.Redirect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mapping's rewrite, header changes and redirect as HTTPRoute filters (v3route.py: {@code
 * prefix_rewrite}, {@code request_headers_to_add} appending unless told not to, {@code
 * host_redirect}).
 */
final class RouteFilters {
  private RouteFilters() {}

  static List<Map<String, Object>> of(EmissaryMapping m, List<String> report) {
    List<Map<String, Object>> filters = new ArrayList<>();
    m.redirect()
        .ifPresentOrElse(
            r -> filters.add(redirect(r, m, report)), () -> rewrite(m, filters, report));
    headers(m.addRequestHeaders(), m.removeRequestHeaders())
        .ifPresent(h -> filters.add(filter("RequestHeaderModifier", "requestHeaderModifier", h)));
    headers(m.addResponseHeaders(), m.removeResponseHeaders())
        .ifPresent(h -> filters.add(filter("ResponseHeaderModifier", "responseHeaderModifier", h)));
    return filters;
  }

  /**
   * The matched prefix replaced by {@code rewrite} (Envoy's {@code prefix_rewrite}); nothing when
   * that changes nothing. With an exact path the whole path is the prefix.
   */
  private static void rewrite(
      EmissaryMapping m, List<Map<String, Object>> filters, List<String> report) {
    if (m.rewrite().isEmpty() || m.rewrite().get().equals(m.prefix())) {
      return;
    }
    Map<String, Object> path = new LinkedHashMap<>();
    if (m.pathKind() == PathKind.REGEX) {
      report.add(
          "Mapping "
              + m.key()
              + ": spec.rewrite: not carried over: HTTPRoute rewrites only a PathPrefix or the"
              + " whole path, not what a regular expression matched (Emissary rewrites to "
              + m.rewrite().get()
              + " unless rewrite: \"\")");
      return;
    }
    if (m.pathKind() == PathKind.EXACT) {
      path.put("type", "ReplaceFullPath");
      path.put("replaceFullPath", m.rewrite().get());
    } else {
      path.put("type", "ReplacePrefixMatch");
      path.put("replacePrefixMatch", m.rewrite().get());
    }
    filters.add(filter("URLRewrite", "urlRewrite", Map.of("path", path)));
  }

  private static Map<String, Object> redirect(Redirect r, EmissaryMapping m, List<String> report) {
    Map<String, Object> redirect = new LinkedHashMap<>();
    String host = r.host().orElse("");
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.substring(colon + 1).matches("[0-9]{1,5}")) {
      redirect.put("hostname", host.substring(0, colon));
      redirect.put("port", Integer.parseInt(host.substring(colon + 1)));
    } else if (!host.isEmpty()) {
      redirect.put("hostname", host);
    }
    if (r.path().isPresent()) {
      redirect.put("path", Map.of("type", "ReplaceFullPath", "replaceFullPath", r.path().get()));
    } else if (r.prefix().isPresent()) {
      if (m.pathKind() != PathKind.PREFIX) {
        report.add(
            "Mapping "
                + m.key()
                + ": spec.prefix_redirect: not carried over: needs a plain prefix");
      } else {
        redirect.put(
            "path", Map.of("type", "ReplacePrefixMatch", "replacePrefixMatch", r.prefix().get()));
      }
    }
    // Envoy's redirect answers 301 unless told; an HTTPRoute's answers 302
    redirect.put("statusCode", r.statusCode().orElse(301));
    return filter("RequestRedirect", "requestRedirect", redirect);
  }

  private static java.util.Optional<Map<String, Object>> headers(
      List<AddedHeader> added, List<String> removed) {
    List<Object> set = new ArrayList<>();
    List<Object> add = new ArrayList<>();
    for (AddedHeader header : added) {
      Map<String, Object> value = new LinkedHashMap<>();
      value.put("name", header.name());
      value.put("value", header.value());
      (header.append() ? add : set).add(value);
    }
    Map<String, Object> modifier = new LinkedHashMap<>();
    if (!set.isEmpty()) {
      modifier.put("set", set);
    }
    if (!add.isEmpty()) {
      modifier.put("add", add);
    }
    if (!removed.isEmpty()) {
      modifier.put("remove", List.copyOf(removed));
    }
    return modifier.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(modifier);
  }

  private static Map<String, Object> filter(String type, String field, Map<String, Object> body) {
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("type", type);
    filter.put(field, body);
    return filter;
  }
}
