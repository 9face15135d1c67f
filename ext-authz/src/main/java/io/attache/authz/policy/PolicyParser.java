package io.attache.authz.policy;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.AnonymousVerifier;
import io.attache.authz.identity.CredentialSource;
import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyVerifier;
import io.attache.authz.identity.mtls.MtlsVerifier;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@code AuthPolicy} documents (the custom resource's YAML, several per file) into compiled
 * {@link AuthPolicy}s. Everything that can fail fails here, at load: unknown fields, bad regexes,
 * rules that do not compile, unknown template placeholders; every error of a file is reported with
 * its field path, and nothing of a file with errors is used.
 */
public final class PolicyParser {
  /** Builds a JWT identity method from its {@code jwt:} block. */
  public interface JwtFactory {
    IdentityVerifier create(Map<String, Object> spec, String path, List<String> problems);
  }

  /** Opens (and keeps watching) an API-key file named by a policy's {@code keysFile}. */
  public interface KeyFiles {
    java.util.function.Supplier<List<ApiKey>> open(String file, List<String> problems);

    /** For parsers that take no key files: any {@code keysFile} is an error. */
    KeyFiles NONE =
        (file, problems) -> {
          problems.add("keysFile is not available here");
          return List::of;
        };
  }

  /** API keys kept in Kubernetes Secrets carrying the given labels ({@code secretSelector}). */
  public interface SecretKeys {
    java.util.function.Supplier<List<ApiKey>> select(
        Map<String, String> labels, List<String> problems);

    /** For parsers without a Kubernetes client: any {@code secretSelector} is an error. */
    SecretKeys NONE =
        (labels, problems) -> {
          problems.add("secretSelector needs Kubernetes (ATTACHE_POLICY_SOURCE=kubernetes)");
          return List::of;
        };
  }

  /** Compiles a rule's {@code when} expression; throws with a readable message when it cannot. */
  public interface ConditionCompiler {
    Rule.Condition compile(String ruleName, String expression) throws IllegalArgumentException;
  }

  private final JwtFactory jwt;
  private final ConditionCompiler conditions;
  private final KeyFiles keyFiles;
  private final SecretKeys secretKeys;
  private final byte[] fingerprintSecret;

  public PolicyParser(JwtFactory jwt, ConditionCompiler conditions, byte[] fingerprintSecret) {
    this(jwt, conditions, KeyFiles.NONE, fingerprintSecret);
  }

  public PolicyParser(
      JwtFactory jwt, ConditionCompiler conditions, KeyFiles keyFiles, byte[] fingerprintSecret) {
    this(jwt, conditions, keyFiles, SecretKeys.NONE, fingerprintSecret);
  }

  public PolicyParser(
      JwtFactory jwt,
      ConditionCompiler conditions,
      KeyFiles keyFiles,
      SecretKeys secretKeys,
      byte[] fingerprintSecret) {
    this.jwt = jwt;
    this.conditions = conditions;
    this.keyFiles = keyFiles;
    this.secretKeys = secretKeys;
    this.fingerprintSecret = fingerprintSecret.clone();
  }

  public List<AuthPolicy> parse(String source, String yaml) throws PolicyException {
    List<PolicyError> errors = new ArrayList<>();
    List<AuthPolicy> policies = new ArrayList<>();
    Iterable<Object> documents;
    try {
      documents = new Load(LoadSettings.builder().setLabel(source).build()).loadAllFromString(yaml);
      int index = 0;
      for (Object document : documents) {
        if (document != null) {
          String label = index == 0 ? "" : "document " + (index + 1);
          new Reader(source, label, errors).policy(document).ifPresent(policies::add);
        }
        index++;
      }
    } catch (YamlEngineException e) {
      errors.add(new PolicyError(source, "", "not valid YAML: " + e.getMessage()));
    }
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
    return policies;
  }

  /** Walks one document, collecting errors with their paths. */
  private final class Reader {
    private final String source;
    private final String document;
    private final List<PolicyError> errors;

    Reader(String source, String document, List<PolicyError> errors) {
      this.source = source;
      this.document = document;
      this.errors = errors;
    }

    java.util.Optional<AuthPolicy> policy(Object document) {
      Map<String, Object> root = map(document, "");
      if (root == null) {
        return java.util.Optional.empty();
      }
      only(root, "", Set.of("apiVersion", "kind", "metadata", "spec"));
      if (root.containsKey("kind") && !"AuthPolicy".equals(root.get("kind"))) {
        error("kind", "must be AuthPolicy, got '" + root.get("kind") + "'");
      }
      Map<String, Object> metadata = map(root.getOrDefault("metadata", Map.of()), "metadata");
      String name = metadata == null ? "" : string(metadata.get("name"), "metadata.name");
      if (name.isEmpty()) {
        error("metadata.name", "is required");
      }
      String namespace =
          metadata == null ? "" : string(metadata.get("namespace"), "metadata.namespace");
      Map<String, Object> spec = map(root.get("spec"), "spec");
      if (spec == null) {
        return java.util.Optional.empty();
      }
      only(spec, "spec", Set.of("targetRefs", "match", "identity", "rules", "response", "deny"));
      int before = errors.size();
      RequestMatch match = match(spec.get("match"));
      Set<String> targets =
          targets(spec.get("targetRefs"), namespace.isEmpty() ? "default" : namespace);
      if (!targets.isEmpty()) {
        match =
            new RequestMatch(
                match.hosts(), match.paths(), match.methods(), match.routes(), targets);
      }
      List<IdentityVerifier> identity = identity(spec.get("identity"));
      List<Rule> rules = rules(spec.get("rules"));
      AuthPolicy.AllowResponse response = response(spec.get("response"));
      AuthPolicy.DenyResponse deny = deny(spec.get("deny"));
      if (errors.size() > before) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new AuthPolicy(
              namespace.isEmpty() ? name : namespace + "/" + name,
              match,
              identity,
              rules,
              response,
              deny));
    }

    /**
     * {@code targetRefs}: HTTPRoutes and Gateways in the policy's namespace, as {@code
     * httproute/<namespace>/<name>} or {@code gateway/<namespace>/<name>}.
     */
    private Set<String> targets(Object value, String namespace) {
      Set<String> targets = new LinkedHashSet<>();
      List<Object> refs = list(value, "spec.targetRefs");
      for (int i = 0; i < refs.size(); i++) {
        String path = "spec.targetRefs[" + i + "]";
        Map<String, Object> ref = map(refs.get(i), path);
        if (ref == null) {
          continue;
        }
        only(ref, path, Set.of("group", "kind", "name", "sectionName"));
        String group = ref.containsKey("group") ? string(ref.get("group"), path + ".group") : "";
        String kind = string(ref.get("kind"), path + ".kind");
        String name = string(ref.get("name"), path + ".name");
        if (!group.equals("gateway.networking.k8s.io")
            || !(kind.equals("HTTPRoute") || kind.equals("Gateway"))) {
          error(
              path + ".kind",
              "must be an HTTPRoute or a Gateway of group gateway.networking.k8s.io, was "
                  + kind
                  + " in group '"
                  + group
                  + "'");
        } else if (name.isEmpty()) {
          error(path + ".name", "is required");
        } else {
          targets.add(kind.toLowerCase(Locale.ROOT) + "/" + namespace + "/" + name);
        }
      }
      return targets;
    }

    private RequestMatch match(Object value) {
      if (value == null) {
        return RequestMatch.ALL;
      }
      Map<String, Object> match = map(value, "spec.match");
      if (match == null) {
        return RequestMatch.ALL;
      }
      only(match, "spec.match", Set.of("hosts", "paths", "methods", "routes"));
      List<String> hosts = strings(match.get("hosts"), "spec.match.hosts");
      List<PathMatch> paths = new ArrayList<>();
      List<Object> pathList = list(match.get("paths"), "spec.match.paths");
      for (int i = 0; i < pathList.size(); i++) {
        String path = "spec.match.paths[" + i + "]";
        Map<String, Object> entry = map(pathList.get(i), path);
        if (entry == null) {
          continue;
        }
        only(entry, path, Set.of("exact", "prefix", "regex"));
        if (entry.size() != 1) {
          error(path, "must have exactly one of exact, prefix, regex");
        } else if (entry.containsKey("exact")) {
          paths.add(new PathMatch.Exact(string(entry.get("exact"), path + ".exact")));
        } else if (entry.containsKey("prefix")) {
          paths.add(new PathMatch.Prefix(string(entry.get("prefix"), path + ".prefix")));
        } else if (entry.containsKey("regex")) {
          try {
            paths.add(
                new PathMatch.Regex(Pattern.compile(string(entry.get("regex"), path + ".regex"))));
          } catch (PatternSyntaxException e) {
            error(path + ".regex", "not a valid regular expression: " + e.getDescription());
          }
        }
      }
      Set<String> methods = new LinkedHashSet<>();
      for (String method : strings(match.get("methods"), "spec.match.methods")) {
        methods.add(method.toUpperCase(Locale.ROOT));
      }
      Set<String> routes = new LinkedHashSet<>(strings(match.get("routes"), "spec.match.routes"));
      return new RequestMatch(hosts, paths, methods, routes);
    }

    private List<IdentityVerifier> identity(Object value) {
      List<IdentityVerifier> verifiers = new ArrayList<>();
      List<Object> entries = list(value, "spec.identity");
      if (value == null || entries.isEmpty()) {
        error("spec.identity", "lists at least one method: jwt, apiKey, mtls or anonymous");
        return verifiers;
      }
      for (int i = 0; i < entries.size(); i++) {
        String path = "spec.identity[" + i + "]";
        Map<String, Object> entry = map(entries.get(i), path);
        if (entry == null) {
          continue;
        }
        if (entry.size() != 1) {
          error(path, "must have exactly one of jwt, apiKey, mtls, anonymous");
          continue;
        }
        String kind = entry.keySet().iterator().next();
        Object spec = entry.get(kind);
        switch (kind) {
          case "jwt" -> {
            Map<String, Object> jwtSpec = map(spec, path + ".jwt");
            if (jwtSpec != null) {
              List<String> problems = new ArrayList<>();
              IdentityVerifier verifier = jwt.create(jwtSpec, path + ".jwt", problems);
              problems.forEach(p -> errors.add(new PolicyError(source, "", p)));
              if (verifier != null && problems.isEmpty()) {
                verifiers.add(verifier);
              }
            }
          }
          case "apiKey" -> apiKey(spec, path + ".apiKey", verifiers);
          case "mtls" -> {
            Map<String, Object> mtls = map(spec, path + ".mtls");
            if (mtls != null) {
              only(mtls, path + ".mtls", Set.of("allowed"));
              List<String> allowed = strings(mtls.get("allowed"), path + ".mtls.allowed");
              if (allowed.isEmpty()) {
                error(path + ".mtls.allowed", "lists at least one identity or pattern");
              }
              verifiers.add(new MtlsVerifier(allowed));
            }
          }
          case "anonymous" -> verifiers.add(new AnonymousVerifier());
          default ->
              error(path, "unknown identity method '" + kind + "' (jwt, apiKey, mtls, anonymous)");
        }
      }
      return verifiers;
    }

    private void apiKey(Object value, String path, List<IdentityVerifier> verifiers) {
      Map<String, Object> spec = map(value, path);
      if (spec == null) {
        return;
      }
      only(spec, path, Set.of("from", "keys", "keysFile", "secretSelector"));
      CredentialSource from = credentialSource(spec.get("from"), path + ".from", "x-api-key", "");
      List<ApiKey> keys = new ArrayList<>();
      List<Object> entries = list(spec.get("keys"), path + ".keys");
      for (int i = 0; i < entries.size(); i++) {
        String keyPath = path + ".keys[" + i + "]";
        Map<String, Object> entry = map(entries.get(i), keyPath);
        if (entry == null) {
          continue;
        }
        only(entry, keyPath, Set.of("key", "sha256", "principal", "metadata"));
        String principal = string(entry.get("principal"), keyPath + ".principal");
        if (principal.isEmpty()) {
          error(keyPath + ".principal", "is required");
        }
        byte[] digest = null;
        if (entry.containsKey("key") == entry.containsKey("sha256")) {
          error(keyPath, "must have exactly one of key, sha256");
        } else if (entry.containsKey("key")) {
          digest = ApiKeyVerifier.sha256(string(entry.get("key"), keyPath + ".key"));
        } else {
          try {
            digest = HexFormat.of().parseHex(string(entry.get("sha256"), keyPath + ".sha256"));
            if (digest.length != 32) {
              error(keyPath + ".sha256", "must be 64 hex digits");
            }
          } catch (IllegalArgumentException e) {
            error(keyPath + ".sha256", "must be 64 hex digits");
          }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Object> raw =
            map(entry.getOrDefault("metadata", Map.of()), keyPath + ".metadata");
        if (raw != null) {
          raw.forEach((k, v) -> metadata.put(k, String.valueOf(v)));
        }
        if (digest != null) {
          keys.add(new ApiKey(digest, principal, metadata));
        }
      }
      if (spec.containsKey("secretSelector")) {
        Map<String, Object> selector = map(spec.get("secretSelector"), path + ".secretSelector");
        Map<String, Object> labels =
            selector == null
                ? null
                : map(
                    selector.getOrDefault("matchLabels", Map.of()),
                    path + ".secretSelector.matchLabels");
        if (labels == null || labels.isEmpty()) {
          error(path + ".secretSelector.matchLabels", "names at least one label");
          return;
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        labels.forEach((k, v) -> wanted.put(k, String.valueOf(v)));
        List<String> problems = new ArrayList<>();
        var fromSecrets = secretKeys.select(wanted, problems);
        problems.forEach(p -> error(path + ".secretSelector", p));
        verifiers.add(new ApiKeyVerifier(from, fromSecrets, fingerprintSecret));
        return;
      }
      if (spec.containsKey("keysFile")) {
        if (!entries.isEmpty()) {
          error(path, "has keys or keysFile, not both");
          return;
        }
        List<String> problems = new ArrayList<>();
        var fromFile = keyFiles.open(string(spec.get("keysFile"), path + ".keysFile"), problems);
        problems.forEach(p -> error(path + ".keysFile", p));
        verifiers.add(new ApiKeyVerifier(from, fromFile, fingerprintSecret));
        return;
      }
      if (entries.isEmpty()) {
        error(path + ".keys", "lists at least one key (or name a keysFile)");
      }
      List<ApiKey> loaded = List.copyOf(keys);
      verifiers.add(new ApiKeyVerifier(from, () -> loaded, fingerprintSecret));
    }

    CredentialSource credentialSource(
        Object value, String path, String defaultHeader, String defaultPrefix) {
      if (value == null) {
        return new CredentialSource.Header(defaultHeader, defaultPrefix);
      }
      Map<String, Object> from = map(value, path);
      if (from == null) {
        return new CredentialSource.Header(defaultHeader, defaultPrefix);
      }
      only(from, path, Set.of("header", "prefix", "query"));
      if (from.containsKey("query")) {
        return new CredentialSource.Query(string(from.get("query"), path + ".query"));
      }
      return new CredentialSource.Header(
          from.containsKey("header") ? string(from.get("header"), path + ".header") : defaultHeader,
          from.containsKey("prefix")
              ? string(from.get("prefix"), path + ".prefix")
              : defaultPrefix);
    }

    private List<Rule> rules(Object value) {
      List<Rule> rules = new ArrayList<>();
      List<Object> entries = list(value, "spec.rules");
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < entries.size(); i++) {
        String path = "spec.rules[" + i + "]";
        Map<String, Object> entry = map(entries.get(i), path);
        if (entry == null) {
          continue;
        }
        only(entry, path, Set.of("name", "action", "when"));
        String name = string(entry.get("name"), path + ".name");
        if (name.isEmpty()) {
          error(path + ".name", "is required");
        } else if (!names.add(name)) {
          error(path + ".name", "duplicate rule name '" + name + "'");
        }
        String actionText = string(entry.getOrDefault("action", "allow"), path + ".action");
        Rule.Action action;
        switch (actionText.toLowerCase(Locale.ROOT)) {
          case "allow" -> action = Rule.Action.ALLOW;
          case "deny" -> action = Rule.Action.DENY;
          default -> {
            error(path + ".action", "must be allow or deny, got '" + actionText + "'");
            continue;
          }
        }
        String expression = string(entry.getOrDefault("when", "true"), path + ".when");
        try {
          rules.add(new Rule(name, action, conditions.compile(name, expression)));
        } catch (IllegalArgumentException e) {
          error(path + ".when", e.getMessage());
        }
      }
      return rules;
    }

    private AuthPolicy.AllowResponse response(Object value) {
      if (value == null) {
        return AuthPolicy.AllowResponse.NONE;
      }
      Map<String, Object> response = map(value, "spec.response");
      if (response == null) {
        return AuthPolicy.AllowResponse.NONE;
      }
      only(response, "spec.response", Set.of("headers", "removeHeaders", "dynamicMetadata"));
      return new AuthPolicy.AllowResponse(
          templates(response.get("headers"), "spec.response.headers", true),
          strings(response.get("removeHeaders"), "spec.response.removeHeaders").stream()
              .map(h -> h.toLowerCase(Locale.ROOT))
              .toList(),
          templates(response.get("dynamicMetadata"), "spec.response.dynamicMetadata", false));
    }

    private Map<String, Template> templates(Object value, String path, boolean headerNames) {
      Map<String, Template> templates = new LinkedHashMap<>();
      if (value == null) {
        return templates;
      }
      Map<String, Object> entries = map(value, path);
      if (entries == null) {
        return templates;
      }
      entries.forEach(
          (name, text) -> {
            try {
              templates.put(
                  headerNames ? name.toLowerCase(Locale.ROOT) : name,
                  Template.parse(string(text, path + "." + name)));
            } catch (IllegalArgumentException e) {
              error(path + "." + name, e.getMessage());
            }
          });
      return templates;
    }

    private AuthPolicy.DenyResponse deny(Object value) {
      if (value == null) {
        return AuthPolicy.DenyResponse.DEFAULT;
      }
      Map<String, Object> deny = map(value, "spec.deny");
      if (deny == null) {
        return AuthPolicy.DenyResponse.DEFAULT;
      }
      only(deny, "spec.deny", Set.of("realm", "body", "headers"));
      Map<String, String> headers = new LinkedHashMap<>();
      Map<String, Object> raw = map(deny.getOrDefault("headers", Map.of()), "spec.deny.headers");
      if (raw != null) {
        raw.forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.valueOf(v)));
      }
      return new AuthPolicy.DenyResponse(
          string(deny.getOrDefault("realm", "attache"), "spec.deny.realm"),
          string(deny.getOrDefault("body", ""), "spec.deny.body"),
          headers);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object value, String path) {
      if (value instanceof Map<?, ?> map) {
        for (Object key : map.keySet()) {
          if (!(key instanceof String)) {
            error(path, "keys must be strings, got " + key);
            return null;
          }
        }
        return (Map<String, Object>) map;
      }
      error(path, "must be a mapping");
      return null;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, String path) {
      if (value == null) {
        return List.of();
      }
      if (value instanceof List<?> list) {
        return (List<Object>) list;
      }
      error(path, "must be a list");
      return List.of();
    }

    private List<String> strings(Object value, String path) {
      List<String> strings = new ArrayList<>();
      List<Object> items = list(value, path);
      for (int i = 0; i < items.size(); i++) {
        strings.add(string(items.get(i), path + "[" + i + "]"));
      }
      return strings;
    }

    private String string(Object value, String path) {
      if (value == null) {
        return "";
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        return String.valueOf(value);
      }
      error(path, "must be a string");
      return "";
    }

    private void only(Map<String, Object> map, String path, Set<String> allowed) {
      for (String key : map.keySet()) {
        if (!allowed.contains(key)) {
          error(
              path.isEmpty() ? key : path + "." + key,
              "unknown field (expected one of "
                  + String.join(", ", new java.util.TreeSet<>(allowed))
                  + ")");
        }
      }
    }

    private void error(String path, String message) {
      String where = document.isEmpty() ? path : document + (path.isEmpty() ? "" : " " + path);
      errors.add(new PolicyError(source, where, message));
    }
  }
}
