package io.attache.controlplane.emissary;

import io.attache.controlplane.emissary.EmissaryMapping.AddedHeader;
import io.attache.controlplane.emissary.EmissaryMapping.PathKind;
import io.attache.controlplane.emissary.EmissaryMapping.Redirect;
import io.attache.controlplane.model.RouteExtensions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a Mapping's spec as Emissary does (python/ambassador/ir/irhttpmapping.py and
 * envoy/v3/v3route.py in emissary-ingress/emissary), naming each field it cannot accept: an unknown
 * field, one Attaché refuses, a wrong type.
 */
final class MappingReader {
  private MappingReader() {}

  static Checked<EmissaryMapping> read(
      String namespace, String name, Map<String, String> labels, Map<?, ?> spec) {
    List<String> errors = new ArrayList<>();
    SpecFields fields = new SpecFields(spec, errors);
    fields.refuseUnknown(EmissaryMapping.READ, EmissaryMapping.REFUSED, "Mapping");
    Optional<String> prefix = fields.string("prefix");
    if (prefix.isEmpty() && !fields.has("prefix")) {
      fields.error("prefix", "required");
    }
    boolean regex = fields.bool("prefix_regex");
    boolean exact = fields.bool("prefix_exact");
    if (regex && exact) {
      fields.error("prefix_exact", "cannot be set with prefix_regex");
    }
    Optional<String> service = fields.string("service");
    if (service.isEmpty() && !fields.has("service")) {
      fields.error("service", "required");
    }
    Map<String, String> notCarried = new LinkedHashMap<>();
    Map<String, String> headers = fields.stringMap("headers", true);
    Optional<String> hostname = hostname(fields, headers, notCarried);
    Optional<String> rewrite = rewrite(fields, notCarried);
    OptionalInt timeout = fields.integer("timeout_ms", 0, Integer.MAX_VALUE);
    Optional<String> method = fields.string("method");
    int precedence = fields.integer("precedence", Integer.MIN_VALUE, Integer.MAX_VALUE).orElse(0);
    // v3route.py: with method_regex the method is a regular expression for :method, and with
    // host_regex (and no hostname) the host one for :authority
    Optional<String> methodRegex = fields.bool("method_regex") ? method : Optional.empty();
    Optional<String> hostRegex =
        !fields.has("hostname") && fields.bool("host_regex")
            ? fields.string("host")
            : Optional.empty();
    notCarriedYet(fields, notCarried);
    EmissaryMapping mapping =
        new EmissaryMapping(
            namespace,
            name,
            labels,
            prefix.orElse(""),
            regex ? PathKind.REGEX : exact ? PathKind.EXACT : PathKind.PREFIX,
            service.orElse(""),
            rewrite,
            hostname,
            headers,
            fields.stringMap("regex_headers", false),
            fields.stringMap("query_parameters", true),
            fields.stringMap("regex_query_parameters", false),
            methodRegex.isPresent() ? Optional.empty() : method,
            fields.integer("weight", 0, 100),
            timeout.orElse(EmissaryMapping.DEFAULT_TIMEOUT_MILLIS),
            addedHeaders(fields, "add_request_headers"),
            fields.stringList("remove_request_headers"),
            addedHeaders(fields, "add_response_headers"),
            fields.stringList("remove_response_headers"),
            redirect(fields, service),
            precedence,
            new EmissaryMapping.Traffic(
                TrafficFields.retry(fields),
                TrafficFields.loadBalancer(fields),
                TrafficFields.circuitBreaker(fields)),
            extensions(
                fields,
                errors,
                !regex && !exact && !prefix.orElse("/").equals("/"),
                precedence,
                methodRegex,
                hostRegex),
            notCarried);
    return Checked.of(mapping, errors);
  }

  /**
   * {@code hostname} wins over {@code host}, which wins over an exact {@code :authority} header (so
   * the header leaves the header matches), as irhttpmapping.py orders them.
   */
  private static Optional<String> hostname(
      SpecFields fields, Map<String, String> headers, Map<String, String> notCarried) {
    String authority = null;
    for (String header : List.copyOf(headers.keySet())) {
      if (header.equalsIgnoreCase(":authority") && headers.get(header) != null) {
        authority = headers.remove(header);
      }
    }
    Optional<String> hostname = fields.string("hostname");
    Optional<String> host = fields.string("host");
    if (hostname.isPresent()) {
      return hostname;
    }
    if (host.isPresent()) {
      if (fields.bool("host_regex")) {
        return Optional.empty(); // a regular expression for :authority (Extensions.hostRegex)
      }
      if (host.get().contains("*")) {
        fields.error("host", "an exact host cannot contain '*' (use hostname for a glob)");
      }
      return host;
    }
    if (authority != null && authority.contains("*")) {
      fields.error("headers.:authority", "an exact :authority cannot contain '*'");
    }
    return Optional.ofNullable(authority);
  }

  /** Emissary rewrites the prefix to {@code /} unless told; {@code ""} keeps the path as sent. */
  private static Optional<String> rewrite(SpecFields fields, Map<String, String> notCarried) {
    if (fields.has("regex_rewrite")) {
      return Optional.empty(); // v3route.py: regex_rewrite in place of the prefix rewrite
    }
    if (!fields.has("rewrite")) {
      return Optional.of("/");
    }
    return fields.string("rewrite").filter(r -> !r.isEmpty());
  }

  private static void notCarriedYet(SpecFields fields, Map<String, String> notCarried) {
    Map<String, String> where =
        Map.of(
            "tls",
            "TLS origination is a BackendTLSPolicy on the Service, naming the CA and hostname to"
                + " verify (Emissary's upstream TLSContext does not carry over)");
    where.forEach(
        (field, reason) -> {
          // tls: false asks for no TLS (ircluster.py): nothing to carry over
          if (fields.has(field) && !Boolean.FALSE.equals(fields.raw(field))) {
            notCarried.put(field, reason);
          }
        });
  }

  /** {@code auth_context_extensions} without {@code bypass_auth}, as v3route.py sends them. */
  private static EmissaryMapping.Extensions extensions(
      SpecFields fields,
      List<String> errors,
      boolean stringPrefix,
      int precedence,
      Optional<String> methodRegex,
      Optional<String> hostRegex) {
    boolean bypass = fields.bool("bypass_auth");
    Map<String, String> context = fields.stringMap("auth_context_extensions", false);
    if (bypass && !context.isEmpty()) {
      fields.error("auth_context_extensions", "cannot be set with bypass_auth: true");
    }
    for (String key : context.keySet()) {
      if (key.startsWith(RouteExtensions.RESERVED_CONTEXT_PREFIX)) {
        fields.error(
            "auth_context_extensions." + key,
            "keys starting " + RouteExtensions.RESERVED_CONTEXT_PREFIX + " are Attaché's own");
      }
    }
    Optional<Map<?, ?>> labels = fields.object("labels");
    labels.ifPresent(l -> EmissaryLabels.read(l, "spec.labels", errors));
    Optional<Map<?, ?>> cors = fields.object("cors");
    cors.ifPresent(c -> EmissaryCors.read(c, "spec.cors", errors));
    return new EmissaryMapping.Extensions(
        bypass,
        context,
        labels,
        cors,
        regexRewrite(fields),
        fields.integer("idle_timeout_ms", 0, Integer.MAX_VALUE),
        fields.has("case_sensitive") && !fields.bool("case_sensitive"),
        stringPrefix,
        precedence,
        methodRegex,
        hostRegex);
  }

  /** v3route.py generate_regex_rewrite: a pattern and its substitution. */
  private static Optional<RouteExtensions.RegexRewrite> regexRewrite(SpecFields fields) {
    return fields
        .object("regex_rewrite")
        .flatMap(
            rewrite -> {
              if (rewrite.get("pattern") instanceof String pattern
                  && !pattern.isEmpty()
                  && rewrite.get("substitution") instanceof String substitution
                  && rewrite.size() == 2) {
                return Optional.of(new RouteExtensions.RegexRewrite(pattern, substitution));
              }
              fields.error("regex_rewrite", "must be {pattern: string, substitution: string}");
              return Optional.empty();
            });
  }

  private static List<AddedHeader> addedHeaders(SpecFields fields, String field) {
    List<AddedHeader> added = new ArrayList<>();
    fields
        .object(field)
        .ifPresent(
            map ->
                map.forEach(
                    (name, value) -> {
                      String header = String.valueOf(name);
                      if (value instanceof String text) {
                        added.add(new AddedHeader(header, text, true));
                      } else if (value instanceof Map<?, ?> entry
                          && entry.get("value") instanceof String text
                          && (entry.get("append") == null
                              || entry.get("append") instanceof Boolean)) {
                        added.add(
                            new AddedHeader(
                                header, text, !Boolean.FALSE.equals(entry.get("append"))));
                      } else {
                        fields.error(
                            field + "." + header,
                            "must be a string or {value: string, append: true|false}");
                      }
                    }));
    return added;
  }

  private static Optional<Redirect> redirect(SpecFields fields, Optional<String> service) {
    boolean host = fields.bool("host_redirect");
    Optional<String> path = fields.string("path_redirect");
    Optional<String> prefix = fields.string("prefix_redirect");
    OptionalInt code = fields.integer("redirect_response_code", 301, 308);
    if (code.isPresent() && !List.of(301, 302, 303, 307, 308).contains(code.getAsInt())) {
      fields.error("redirect_response_code", "must be 301, 302, 303, 307 or 308");
    }
    if (path.isPresent() && prefix.isPresent()) {
      // Emissary prefers path_redirect and ignores prefix_redirect with an error
      fields.error("prefix_redirect", "cannot be set with path_redirect");
    }
    if (!host) {
      // v3route.py redirects only with host_redirect; the other fields refine that redirect
      for (String field : List.of("path_redirect", "prefix_redirect", "redirect_response_code")) {
        if (fields.has(field)) {
          fields.error(field, "needs host_redirect: true");
        }
      }
      return Optional.empty();
    }
    return Optional.of(new Redirect(service, path, prefix, code));
  }
}
