package io.attache.controlplane.source;

import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.HttpRouteState.BackendRef;
import io.attache.controlplane.model.HttpRouteState.Header;
import io.attache.controlplane.model.HttpRouteState.HeaderChanges;
import io.attache.controlplane.model.HttpRouteState.Match;
import io.attache.controlplane.model.HttpRouteState.ParentKind;
import io.attache.controlplane.model.HttpRouteState.ParentRef;
import io.attache.controlplane.model.HttpRouteState.PathMatch;
import io.attache.controlplane.model.HttpRouteState.PathModifier;
import io.attache.controlplane.model.HttpRouteState.ValueMatch;
import io.attache.controlplane.model.RouteExtensions;
import io.attache.controlplane.model.RouteKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a Gateway API v1 {@code HTTPRoute} the way its CRD schema and CEL rules would, and turns
 * it into an {@link HttpRouteState}; every bad field is reported with its path. Features this
 * control plane does not implement (ExtensionRef, CORS and ExternalAuth filters, filters on a
 * backendRef, session persistence) are errors rather than silently ignored.
 */
final class HttpRouteConverter {
  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");
  // Envoy compiles regular expressions with RE2, which has no look-around or back-references.
  private static final Pattern NOT_RE2 = Pattern.compile("\\(\\?<?[=!]|\\\\[1-9]");

  private HttpRouteConverter() {}

  static Optional<HttpRouteState> convert(HTTPRoute route, DocumentErrors errors) {
    String name = Metadata.name(route, errors);
    if (route.getSpec() == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    var spec = route.getSpec();
    List<HTTPRouteRule> specRules =
        spec.getRules() == null || spec.getRules().isEmpty()
            ? List.of(new HTTPRouteRule()) // the CRD's default: one rule matching everything
            : spec.getRules();
    return route(
        route,
        name,
        RouteKind.HTTP,
        spec.getParentRefs(),
        spec.getHostnames(),
        specRules,
        HttpRouteConverter::rule,
        true,
        errors);
  }

  /** Checks and converts one rule of a route kind, at {@code path}. */
  @FunctionalInterface
  interface RuleConverter<T> {
    Optional<HttpRouteState.Rule> convert(
        T rule, int index, String namespace, String path, DocumentErrors errors);
  }

  /**
   * A route of {@code kind} from the parts every kind has: parentRefs and hostnames checked here,
   * each rule by {@code rule}. {@code valid} carries the kind's own checks, made before; empty,
   * with every error reported, when anything is invalid.
   *
   * @param name the route's name, null when missing (already reported)
   */
  static <T> Optional<HttpRouteState> route(
      HasMetadata route,
      String name,
      RouteKind kind,
      List<ParentReference> parentRefs,
      List<String> specHostnames,
      List<T> specRules,
      RuleConverter<T> rule,
      boolean valid,
      DocumentErrors errors) {
    String namespace = Metadata.namespace(route);
    List<ParentRef> parents = new ArrayList<>();
    valid &= parents(parentRefs, namespace, errors, parents);
    valid &= name != null;
    List<String> hostnames = new ArrayList<>();
    valid &= hostnames(specHostnames, errors, hostnames);
    List<HttpRouteState.Rule> rules = new ArrayList<>();
    for (int i = 0; i < specRules.size(); i++) {
      Optional<HttpRouteState.Rule> converted =
          rule.convert(specRules.get(i), i, namespace, "spec.rules[" + i + "]", errors);
      valid &= converted.isPresent();
      converted.ifPresent(rules::add);
    }
    Optional<RouteExtensions> extensions = RouteAnnotations.read(route, errors);
    if (!valid || extensions.isEmpty()) {
      return Optional.empty();
    }
    if (!backendsOf(rules).containsAll(extensions.get().tlsBackends())) {
      Set<String> stray = new TreeSet<>(extensions.get().tlsBackends());
      stray.removeAll(backendsOf(rules));
      errors.add(
          "metadata.annotations[" + RouteExtensions.BACKEND_TLS_ANNOTATION + "]",
          "names no backend of this route: " + String.join(", ", stray));
      return Optional.empty();
    }
    return Optional.of(
        new HttpRouteState(
            namespace,
            name,
            Metadata.generation(route),
            created(route),
            parents,
            hostnames,
            rules,
            kind,
            extensions.get()));
  }

  /** The route's backends and mirrors, as {@code namespace/name:port}. */
  private static Set<String> backendsOf(List<HttpRouteState.Rule> rules) {
    Set<String> backends = new HashSet<>();
    for (HttpRouteState.Rule rule : rules) {
      rule.backends().forEach(b -> backends.add(b.toString()));
      rule.mirrors().forEach(m -> backends.add(m.backend().toString()));
    }
    return backends;
  }

  /**
   * Converts the parentRefs this control plane serves into {@code into}; reports whether all were
   * valid. Another kind of parent (another implementation's) is not ours to judge: it is left out,
   * without status (apis/v1/shared_types.go, RouteStatus.parents).
   */
  static boolean parents(
      List<ParentReference> refs, String namespace, DocumentErrors errors, List<ParentRef> into) {
    boolean valid = true;
    List<ParentReference> parentRefs = orEmpty(refs);
    for (int i = 0; i < parentRefs.size(); i++) {
      Optional<ParentKind> kind = servedKind(parentRefs.get(i));
      if (kind.isEmpty()) {
        continue;
      }
      Optional<ParentRef> parent =
          parent(parentRefs.get(i), kind.get(), namespace, "spec.parentRefs[" + i + "]", errors);
      valid &= parent.isPresent();
      parent.ifPresent(into::add);
    }
    return valid;
  }

  /** Checks {@code spec.hostnames} into {@code into}; reports whether all were valid. */
  static boolean hostnames(List<String> specHostnames, DocumentErrors errors, List<String> into) {
    boolean valid = true;
    List<String> hosts = orEmpty(specHostnames);
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      if (host == null || !HOSTNAME.matcher(host).matches() || host.length() > 253) {
        errors.add(
            "spec.hostnames[" + i + "]",
            "must be a DNS name, optionally with a leading '*.' label, was '" + host + "'");
        valid = false;
      } else {
        into.add(host);
      }
    }
    return valid;
  }

  static Instant created(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    String timestamp =
        resource.getMetadata() == null ? null : resource.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  /**
   * The kind of parent a parentRef names, when this control plane serves it: a Gateway (group and
   * kind default to it) or a Service; empty for another implementation's kind.
   */
  static Optional<ParentKind> servedKind(ParentReference ref) {
    String group = ref.getGroup() == null ? GATEWAY_GROUP : ref.getGroup();
    String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
    if (group.equals(GATEWAY_GROUP) && kind.equals("Gateway")) {
      return Optional.of(ParentKind.GATEWAY);
    }
    if (group.isEmpty() && kind.equals("Service")) {
      return Optional.of(ParentKind.SERVICE);
    }
    return Optional.empty();
  }

  /** A parentRef's namespace: its own, or the route's when it names none. */
  static String parentNamespace(ParentReference ref, String routeNamespace) {
    return ref.getNamespace() == null || ref.getNamespace().isBlank()
        ? routeNamespace
        : ref.getNamespace();
  }

  static Optional<ParentRef> parent(
      ParentReference ref,
      ParentKind parentKind,
      String routeNamespace,
      String path,
      DocumentErrors errors) {
    if (ref.getName() == null || ref.getName().isBlank()) {
      errors.add(path + ".name", "required");
      return Optional.empty();
    }
    OptionalInt port = OptionalInt.empty();
    if (ref.getPort() != null) {
      if (ref.getPort() < 1 || ref.getPort() > 65_535) {
        errors.add(path + ".port", "must be between 1 and 65535, was " + ref.getPort());
        return Optional.empty();
      }
      port = OptionalInt.of(ref.getPort());
    }
    return Optional.of(
        new ParentRef(
            parentKind,
            parentNamespace(ref, routeNamespace),
            ref.getName(),
            Optional.ofNullable(ref.getSectionName()).filter(s -> !s.isBlank()),
            port));
  }

  private static Optional<HttpRouteState.Rule> rule(
      HTTPRouteRule rule, int index, String namespace, String path, DocumentErrors errors) {
    boolean valid = true;
    if (rule.getSessionPersistence() != null) {
      errors.add(path + ".sessionPersistence", "not supported by this control plane");
      valid = false;
    }
    List<Match> matches = new ArrayList<>();
    List<HTTPRouteMatch> specMatches = orEmpty(rule.getMatches());
    for (int i = 0; i < specMatches.size(); i++) {
      Optional<Match> match = match(specMatches.get(i), path + ".matches[" + i + "]", errors);
      valid &= match.isPresent();
      match.ifPresent(matches::add);
    }
    List<BackendRef> backends = new ArrayList<>();
    valid &=
        backendRefs(
            orEmpty(rule.getBackendRefs()).stream()
                .map(
                    r ->
                        new BackendRefSpec(
                            r.getGroup(),
                            r.getKind(),
                            r.getName(),
                            r.getNamespace(),
                            r.getPort(),
                            r.getWeight(),
                            !orEmpty(r.getFilters()).isEmpty()))
                .toList(),
            namespace,
            path,
            errors,
            backends);
    HeaderChanges requestHeaders = HeaderChanges.NONE;
    HeaderChanges responseHeaders = HeaderChanges.NONE;
    Optional<HttpRouteState.Redirect> redirect = Optional.empty();
    Optional<HttpRouteState.Rewrite> rewrite = Optional.empty();
    List<HttpRouteState.Mirror> mirrors = new ArrayList<>();
    Set<String> seenTypes = new HashSet<>();
    List<HTTPRouteFilter> filters = orEmpty(rule.getFilters());
    for (int i = 0; i < filters.size(); i++) {
      HTTPRouteFilter filter = filters.get(i);
      String at = path + ".filters[" + i + "]";
      String type = filter.getType() == null ? "" : filter.getType();
      if (!type.equals("RequestMirror") && !seenTypes.add(type)) {
        errors.add(at + ".type", type + " may appear only once per rule");
        valid = false;
        continue;
      }
      switch (type) {
        case "RequestHeaderModifier" -> {
          Optional<HeaderChanges> changes =
              headerChanges(
                  filter.getRequestHeaderModifier(), at + ".requestHeaderModifier", errors);
          valid &= changes.isPresent();
          requestHeaders = changes.orElse(HeaderChanges.NONE);
        }
        case "ResponseHeaderModifier" -> {
          Optional<HeaderChanges> changes =
              headerChanges(
                  filter.getResponseHeaderModifier(), at + ".responseHeaderModifier", errors);
          valid &= changes.isPresent();
          responseHeaders = changes.orElse(HeaderChanges.NONE);
        }
        case "RequestRedirect" -> {
          redirect = redirect(filter.getRequestRedirect(), at + ".requestRedirect", errors);
          valid &= redirect.isPresent();
        }
        case "URLRewrite" -> {
          rewrite = rewrite(filter, at + ".urlRewrite", errors);
          valid &= rewrite.isPresent();
        }
        case "RequestMirror" -> {
          Optional<HttpRouteState.Mirror> mirror =
              mirror(filter.getRequestMirror(), namespace, at + ".requestMirror", errors);
          valid &= mirror.isPresent();
          mirror.ifPresent(mirrors::add);
        }
        default -> {
          errors.add(
              at + ".type",
              "must be RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite or RequestMirror (ExtensionRef, CORS and ExternalAuth are not supported), was '"
                  + type
                  + "'");
          valid = false;
        }
      }
    }
    if (redirect.isPresent() && rewrite.isPresent()) {
      errors.add(path + ".filters", "RequestRedirect and URLRewrite cannot be used together");
      valid = false;
    }
    if (redirect.isPresent() && !backends.isEmpty()) {
      errors.add(path + ".filters", "RequestRedirect cannot be used with backendRefs");
      valid = false;
    }
    Optional<PathModifier> pathChange =
        redirect.isPresent()
            ? redirect.get().path()
            : rewrite.flatMap(HttpRouteState.Rewrite::path);
    boolean replacesPrefix =
        pathChange.filter(p -> p.type() == PathModifier.Type.REPLACE_PREFIX_MATCH).isPresent();
    if (replacesPrefix
        && matches.size() == specMatches.size()
        && (matches.size() != 1 || matches.get(0).path().type() != PathMatch.Type.PREFIX)) {
      errors.add(
          path + ".filters", "ReplacePrefixMatch needs exactly one match, of type PathPrefix");
      valid = false;
    }
    Optional<Duration> requestTimeout = Optional.empty();
    Optional<Duration> backendTimeout = Optional.empty();
    HTTPRouteTimeouts timeouts = rule.getTimeouts();
    if (timeouts != null) {
      requestTimeout = duration(timeouts.getRequest(), path + ".timeouts.request", errors);
      backendTimeout =
          duration(timeouts.getBackendRequest(), path + ".timeouts.backendRequest", errors);
      valid &=
          (timeouts.getRequest() == null || requestTimeout.isPresent())
              && (timeouts.getBackendRequest() == null || backendTimeout.isPresent());
      if (requestTimeout.isPresent()
          && backendTimeout.isPresent()
          && !requestTimeout.get().isZero()
          && backendTimeout.get().compareTo(requestTimeout.get()) > 0) {
        errors.add(path + ".timeouts.backendRequest", "must not be longer than timeouts.request");
        valid = false;
      }
    }
    Optional<HttpRouteState.Retry> retry = Optional.empty();
    if (rule.getRetry() != null) {
      retry = retry(rule.getRetry(), path + ".retry", errors);
      valid &= retry.isPresent();
    }
    if (!valid) {
      return Optional.empty();
    }
    return Optional.of(
        new HttpRouteState.Rule(
            index,
            matches,
            backends,
            requestHeaders,
            responseHeaders,
            redirect,
            rewrite,
            mirrors,
            requestTimeout,
            backendTimeout,
            retry));
  }

  private static Optional<Match> match(HTTPRouteMatch match, String path, DocumentErrors errors) {
    boolean valid = true;
    PathMatch pathMatch = new PathMatch(PathMatch.Type.PREFIX, "/");
    if (match.getPath() != null) {
      String type = match.getPath().getType() == null ? "PathPrefix" : match.getPath().getType();
      String value = match.getPath().getValue() == null ? "/" : match.getPath().getValue();
      switch (type) {
        case "Exact", "PathPrefix" -> {
          if (!value.startsWith("/")
              || value.contains("//")
              || value.contains("/./")
              || value.contains("/../")
              || value.contains("%2f")
              || value.contains("%2F")
              || value.contains("#")) {
            errors.add(
                path + ".path.value",
                "must be an absolute path without '//', '/./', '/../', '%2f' or '#', was '"
                    + value
                    + "'");
            valid = false;
          }
          pathMatch =
              new PathMatch(
                  type.equals("Exact") ? PathMatch.Type.EXACT : PathMatch.Type.PREFIX, value);
        }
        case "RegularExpression" -> {
          valid &= regex(value, path + ".path.value", errors);
          pathMatch = new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, value);
        }
        default -> {
          errors.add(
              path + ".path.type",
              "must be Exact, PathPrefix or RegularExpression, was '" + type + "'");
          valid = false;
        }
      }
    }
    List<ValueMatch> headers = new ArrayList<>();
    var specHeaders = orEmpty(match.getHeaders());
    List<ValueMatchSpec> headerSpecs =
        specHeaders.stream()
            .map(h -> new ValueMatchSpec(h.getName(), h.getType(), h.getValue()))
            .toList();
    valid &= valueMatches(headerSpecs, true, path + ".headers", errors, headers);
    List<ValueMatch> queryParams = new ArrayList<>();
    List<ValueMatchSpec> querySpecs =
        orEmpty(match.getQueryParams()).stream()
            .map(q -> new ValueMatchSpec(q.getName(), q.getType(), q.getValue()))
            .toList();
    valid &= valueMatches(querySpecs, false, path + ".queryParams", errors, queryParams);
    Optional<String> method = Optional.ofNullable(match.getMethod());
    if (method.isPresent() && !METHODS.contains(method.get())) {
      errors.add(
          path + ".method",
          "must be one of " + new java.util.TreeSet<>(METHODS) + ", was '" + method.get() + "'");
      valid = false;
    }
    return valid
        ? Optional.of(new Match(pathMatch, headers, queryParams, method))
        : Optional.empty();
  }

  /** A header or query parameter match as written: both have the same three fields. */
  record ValueMatchSpec(String name, String type, String value) {}

  /** A route kind's backendRef, as both kinds spell it; {@code filtered} when it has filters. */
  record BackendRefSpec(
      String group,
      String kind,
      String name,
      String namespace,
      Integer port,
      Integer weight,
      boolean filtered) {}

  /** Converts a rule's backendRefs into {@code into}; reports whether all were valid. */
  static boolean backendRefs(
      List<BackendRefSpec> refs,
      String namespace,
      String path,
      DocumentErrors errors,
      List<BackendRef> into) {
    boolean valid = true;
    for (int i = 0; i < refs.size(); i++) {
      BackendRefSpec ref = refs.get(i);
      String at = path + ".backendRefs[" + i + "]";
      if (ref.filtered()) {
        errors.add(
            at + ".filters", "filters on a backendRef are not supported; put them on the rule");
        valid = false;
      }
      Optional<BackendRef> backend =
          backend(
              ref.group(),
              ref.kind(),
              ref.name(),
              ref.namespace(),
              ref.port(),
              ref.weight(),
              namespace,
              at,
              errors);
      valid &= backend.isPresent();
      backend.ifPresent(into::add);
    }
    return valid;
  }

  /**
   * Converts each match into {@code into}; reports whether all were valid. Of matches naming the
   * same header (case-insensitively) or query parameter, only the first counts: the spec says the
   * later ones "MUST be ignored" (apis/v1/httproute_types.go, HTTPHeaderMatch.name and
   * HTTPQueryParamMatch.name), which is not an error of the route.
   */
  static boolean valueMatches(
      List<ValueMatchSpec> specs,
      boolean header,
      String path,
      DocumentErrors errors,
      List<ValueMatch> into) {
    boolean valid = true;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      ValueMatchSpec spec = specs.get(i);
      String at = path + "[" + i + "]";
      Optional<ValueMatch> value =
          valueMatch(spec.name(), spec.type(), spec.value(), header, at, errors);
      valid &= value.isPresent();
      if (value.isPresent() && names.add(value.get().name())) {
        into.add(value.get());
      }
    }
    return valid;
  }

  private static Optional<ValueMatch> valueMatch(
      String name, String type, String value, boolean header, String path, DocumentErrors errors) {
    boolean valid = true;
    if (name == null || name.isEmpty() || (header && !HEADER_NAME.matcher(name).matches())) {
      errors.add(
          path + ".name", header ? "must be an HTTP header name, was '" + name + "'" : "required");
      valid = false;
    }
    if (value == null) {
      errors.add(path + ".value", "required");
      valid = false;
    }
    String kind = type == null ? "Exact" : type;
    if (!kind.equals("Exact") && !kind.equals("RegularExpression")) {
      errors.add(path + ".type", "must be Exact or RegularExpression, was '" + kind + "'");
      valid = false;
    }
    boolean regex = kind.equals("RegularExpression");
    if (valid && regex) {
      valid = regex(value, path + ".value", errors);
    }
    // Header names are case-insensitive and Envoy stores them in lower case.
    return valid
        ? Optional.of(new ValueMatch(header ? name.toLowerCase(Locale.ROOT) : name, regex, value))
        : Optional.empty();
  }

  static boolean regex(String value, String path, DocumentErrors errors) {
    try {
      Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      errors.add(
          path,
          "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
      return false;
    }
    if (NOT_RE2.matcher(value).find()) {
      errors.add(path, "look-around and back-references are not RE2 syntax, which Envoy uses");
      return false;
    }
    return true;
  }

  static Optional<BackendRef> backend(
      String group,
      String kind,
      String name,
      String refNamespace,
      Integer port,
      Integer weight,
      String namespace,
      String path,
      DocumentErrors errors) {
    boolean valid = true;
    // Another kind is not an error of the route: the spec keeps the route and answers that
    // backend's share with a 500 (ResolvedRefs=False, InvalidKind); see RouteResolver.
    boolean service =
        (group == null || group.isEmpty()) && (kind == null || kind.equals("Service"));
    Optional<String> unsupportedKind =
        service
            ? Optional.empty()
            : Optional.of((group == null || group.isEmpty() ? "" : group + "/") + kind);
    if (name == null || name.isBlank()) {
      errors.add(path + ".name", "required");
      valid = false;
    }
    if ((service && port == null) || (port != null && (port < 1 || port > 65_535))) {
      errors.add(path + ".port", "required for a Service, between 1 and 65535, was " + port);
      valid = false;
    }
    int w = weight == null ? 1 : weight;
    if (w < 0 || w > 1_000_000) {
      errors.add(path + ".weight", "must be between 0 and 1000000, was " + w);
      valid = false;
    }
    if (!valid) {
      return Optional.empty();
    }
    return Optional.of(
        new BackendRef(
            refNamespace == null || refNamespace.isBlank() ? namespace : refNamespace,
            name,
            port == null ? 0 : port,
            w,
            unsupportedKind));
  }

  static Optional<HeaderChanges> headerChanges(
      HTTPHeaderFilter filter, String path, DocumentErrors errors) {
    if (filter == null) {
      errors.add(path, "required for this filter type");
      return Optional.empty();
    }
    boolean valid = true;
    Set<String> names = new HashSet<>();
    List<Header> set = new ArrayList<>();
    List<Header> add = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (String list : List.of("set", "add")) {
      List<HTTPHeader> headers = orEmpty(list.equals("set") ? filter.getSet() : filter.getAdd());
      // Within one list, "Subsequent entries with an equivalent header name MUST be ignored"
      // (apis/v1/httproute_types.go, HTTPHeader.name); a name in two lists stays an error.
      Set<String> inList = new HashSet<>();
      for (int i = 0; i < headers.size(); i++) {
        HTTPHeader header = headers.get(i);
        String at = path + "." + list + "[" + i + "]";
        if (header.getName() == null || !HEADER_NAME.matcher(header.getName()).matches()) {
          errors.add(at + ".name", "must be an HTTP header name, was '" + header.getName() + "'");
          valid = false;
        } else if (!inList.add(header.getName().toLowerCase(Locale.ROOT))) {
          continue;
        } else if (!names.add(header.getName().toLowerCase(Locale.ROOT))) {
          errors.add(at + ".name", "header '" + header.getName() + "' is modified twice");
          valid = false;
        } else {
          Header value =
              new Header(
                  header.getName().toLowerCase(Locale.ROOT),
                  header.getValue() == null ? "" : header.getValue());
          (list.equals("set") ? set : add).add(value);
        }
      }
    }
    List<String> specRemove = orEmpty(filter.getRemove());
    Set<String> removed = new HashSet<>();
    for (int i = 0; i < specRemove.size(); i++) {
      String header = specRemove.get(i);
      if (header == null || !HEADER_NAME.matcher(header).matches()) {
        errors.add(
            path + ".remove[" + i + "]", "must be an HTTP header name, was '" + header + "'");
        valid = false;
      } else if (!removed.add(header.toLowerCase(Locale.ROOT))) {
        continue;
      } else if (!names.add(header.toLowerCase(Locale.ROOT))) {
        errors.add(path + ".remove[" + i + "]", "header '" + header + "' is modified twice");
        valid = false;
      } else {
        remove.add(header.toLowerCase(Locale.ROOT));
      }
    }
    return valid ? Optional.of(new HeaderChanges(set, add, remove)) : Optional.empty();
  }

  private static Optional<HttpRouteState.Redirect> redirect(
      HTTPRequestRedirectFilter filter, String path, DocumentErrors errors) {
    if (filter == null) {
      errors.add(path, "required for this filter type");
      return Optional.empty();
    }
    boolean valid = true;
    Optional<String> scheme = Optional.ofNullable(filter.getScheme());
    if (scheme.isPresent() && !scheme.get().equals("http") && !scheme.get().equals("https")) {
      errors.add(path + ".scheme", "must be http or https, was '" + scheme.get() + "'");
      valid = false;
    }
    Optional<String> hostname = Optional.ofNullable(filter.getHostname());
    if (hostname.isPresent()
        && (!HOSTNAME.matcher(hostname.get()).matches() || hostname.get().startsWith("*"))) {
      errors.add(path + ".hostname", "must be a DNS name, was '" + hostname.get() + "'");
      valid = false;
    }
    OptionalInt port = OptionalInt.empty();
    if (filter.getPort() != null) {
      if (filter.getPort() < 1 || filter.getPort() > 65_535) {
        errors.add(path + ".port", "must be between 1 and 65535, was " + filter.getPort());
        valid = false;
      } else {
        port = OptionalInt.of(filter.getPort());
      }
    }
    int status = filter.getStatusCode() == null ? 302 : filter.getStatusCode();
    if (!Set.of(301, 302, 303, 307, 308).contains(status)) {
      errors.add(path + ".statusCode", "must be 301, 302, 303, 307 or 308, was " + status);
      valid = false;
    }
    Optional<PathModifier> modifier = Optional.empty();
    if (filter.getPath() != null) {
      modifier = pathModifier(filter.getPath(), path + ".path", errors);
      valid &= modifier.isPresent();
    }
    return valid
        ? Optional.of(new HttpRouteState.Redirect(scheme, hostname, modifier, port, status))
        : Optional.empty();
  }

  private static Optional<HttpRouteState.Rewrite> rewrite(
      HTTPRouteFilter filter, String path, DocumentErrors errors) {
    var rewrite = filter.getUrlRewrite();
    if (rewrite == null) {
      errors.add(path, "required for this filter type");
      return Optional.empty();
    }
    boolean valid = true;
    Optional<String> hostname = Optional.ofNullable(rewrite.getHostname());
    if (hostname.isPresent()
        && (!HOSTNAME.matcher(hostname.get()).matches() || hostname.get().startsWith("*"))) {
      errors.add(path + ".hostname", "must be a DNS name, was '" + hostname.get() + "'");
      valid = false;
    }
    Optional<PathModifier> modifier = Optional.empty();
    if (rewrite.getPath() != null) {
      modifier = pathModifier(rewrite.getPath(), path + ".path", errors);
      valid &= modifier.isPresent();
    }
    return valid ? Optional.of(new HttpRouteState.Rewrite(hostname, modifier)) : Optional.empty();
  }

  private static Optional<PathModifier> pathModifier(
      HTTPPathModifier modifier, String path, DocumentErrors errors) {
    String type = modifier.getType() == null ? "" : modifier.getType();
    String value;
    PathModifier.Type parsed;
    switch (type) {
      case "ReplaceFullPath" -> {
        value = modifier.getReplaceFullPath();
        parsed = PathModifier.Type.REPLACE_FULL_PATH;
      }
      case "ReplacePrefixMatch" -> {
        value = modifier.getReplacePrefixMatch();
        parsed = PathModifier.Type.REPLACE_PREFIX_MATCH;
      }
      default -> {
        errors.add(
            path + ".type", "must be ReplaceFullPath or ReplacePrefixMatch, was '" + type + "'");
        return Optional.empty();
      }
    }
    String field =
        parsed == PathModifier.Type.REPLACE_FULL_PATH ? ".replaceFullPath" : ".replacePrefixMatch";
    if (parsed == PathModifier.Type.REPLACE_PREFIX_MATCH && "".equals(value)) {
      // The spec's table (apis/v1/httproute_types.go, HTTPPathModifier.replacePrefixMatch) gives an
      // empty replacement the results of "/": /foo/bar with prefix /foo becomes /bar.
      value = "/";
    }
    if (value == null || !value.startsWith("/")) {
      errors.add(
          path + field, "required with type " + type + ", an absolute path, was '" + value + "'");
      return Optional.empty();
    }
    return Optional.of(new PathModifier(parsed, value));
  }

  static Optional<HttpRouteState.Mirror> mirror(
      HTTPRequestMirrorFilter filter, String namespace, String path, DocumentErrors errors) {
    if (filter == null || filter.getBackendRef() == null) {
      errors.add(path + ".backendRef", "required");
      return Optional.empty();
    }
    var ref = filter.getBackendRef();
    Optional<BackendRef> backend =
        backend(
            ref.getGroup(),
            ref.getKind(),
            ref.getName(),
            ref.getNamespace(),
            ref.getPort(),
            1,
            namespace,
            path + ".backendRef",
            errors);
    int numerator = 100;
    int denominator = 100;
    if (filter.getPercent() != null && filter.getFraction() != null) {
      errors.add(path, "percent and fraction cannot be used together");
      return Optional.empty();
    }
    if (filter.getPercent() != null) {
      numerator = filter.getPercent();
      if (numerator < 0 || numerator > 100) {
        errors.add(path + ".percent", "must be between 0 and 100, was " + numerator);
        return Optional.empty();
      }
    } else if (filter.getFraction() != null) {
      numerator =
          filter.getFraction().getNumerator() == null ? -1 : filter.getFraction().getNumerator();
      denominator =
          filter.getFraction().getDenominator() == null
              ? 100
              : filter.getFraction().getDenominator();
      if (denominator < 1 || numerator < 0 || numerator > denominator) {
        errors.add(
            path + ".fraction",
            "needs 0 <= numerator <= denominator and denominator >= 1, was "
                + numerator
                + "/"
                + denominator);
        return Optional.empty();
      }
    }
    int n = numerator;
    int d = denominator;
    return backend.map(b -> new HttpRouteState.Mirror(b, n, d));
  }

  private static Optional<Duration> duration(String text, String path, DocumentErrors errors) {
    if (text == null) {
      return Optional.empty();
    }
    Optional<Duration> parsed = GatewayDurations.parse(text);
    if (parsed.isEmpty()) {
      errors.add(
          path, "must be a Gateway API duration such as 10s, 500ms or 1h30m, was '" + text + "'");
    }
    return parsed;
  }

  private static Optional<HttpRouteState.Retry> retry(
      HTTPRouteRetry retry, String path, DocumentErrors errors) {
    boolean valid = true;
    List<Integer> codes = orEmpty(retry.getCodes());
    for (int i = 0; i < codes.size(); i++) {
      if (codes.get(i) == null || codes.get(i) < 400 || codes.get(i) > 599) {
        errors.add(
            path + ".codes[" + i + "]",
            "must be an HTTP status between 400 and 599, was " + codes.get(i));
        valid = false;
      }
    }
    OptionalInt attempts = OptionalInt.empty();
    if (retry.getAttempts() != null) {
      if (retry.getAttempts() < 0) {
        errors.add(path + ".attempts", "must not be negative, was " + retry.getAttempts());
        valid = false;
      } else {
        attempts = OptionalInt.of(retry.getAttempts());
      }
    }
    Optional<Duration> backoff = duration(retry.getBackoff(), path + ".backoff", errors);
    valid &= retry.getBackoff() == null || backoff.isPresent();
    if (backoff.isPresent() && backoff.get().isZero()) {
      errors.add(path + ".backoff", "must be longer than zero");
      valid = false;
    }
    return valid
        ? Optional.of(new HttpRouteState.Retry(codes, attempts, backoff))
        : Optional.empty();
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
