package io.attache.authz.policy;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.RequestReads;
import io.attache.authz.identity.AnonymousVerifier;
import io.attache.authz.identity.CredentialSource;
import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyVerifier;
import io.attache.authz.identity.mtls.MtlsVerifier;
import io.attache.crds.schema.AdmissionRules;
import io.attache.crds.schema.FieldProblem;
import io.attache.crds.schema.SpecBinder;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.attache.crds.v1alpha1.TargetRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@code AuthPolicy} documents (the custom resource's YAML, several per file) into compiled
 * {@link AuthPolicy}s. Everything that can fail fails here, at load, and every error of a file is
 * reported with its field path; nothing of a file with errors is used. The {@code spec} is bound to
 * the one model of the format ({@link AuthPolicySpec}, which the CRD is generated from) and held to
 * the generated CRD's own schema rules, so a file and {@code kubectl apply} refuse the same
 * mistakes with the same words; what no schema can check (a regex or CEL condition that does not
 * compile, an unknown template placeholder, a duplicate rule name) is checked here.
 */
public final class PolicyParser {
  private static final AdmissionRules SCHEMA = AdmissionRules.forCrd("authpolicies.attache.io");

  /** Builds a JWT identity method from its {@code jwt:} block. */
  public interface JwtFactory {
    IdentityVerifier create(AuthPolicySpec.Jwt spec, String path, List<String> problems);
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

  /**
   * Builds one identity method of type {@code S} from its block at {@code path} of a policy in
   * {@code namespace} (empty for a file's policy without one); adds problems (each beginning with
   * the path) and returns null when it cannot.
   */
  public interface MethodFactory<S> {
    IdentityVerifier create(S spec, String namespace, String path, List<String> problems);

    /** For parsers without what the method needs: any use of it is an error. */
    static <S> MethodFactory<S> unavailable(String why) {
      return (spec, namespace, path, problems) -> {
        problems.add(path + ": " + why);
        return null;
      };
    }
  }

  /**
   * The identity methods built outside the parser, because they need files, Secrets, threads or
   * clients it does not hold.
   */
  public record Methods(
      MethodFactory<AuthPolicySpec.BasicAuth> basicAuth,
      MethodFactory<AuthPolicySpec.Introspection> introspection,
      MethodFactory<AuthPolicySpec.ServiceAccount> serviceAccount,
      MethodFactory<AuthPolicySpec.Oidc> oidc) {
    public static final Methods NONE =
        new Methods(
            MethodFactory.unavailable("basicAuth is not available here"),
            MethodFactory.unavailable("introspection is not available here"),
            MethodFactory.unavailable("serviceAccount is not available here"),
            MethodFactory.unavailable("oidc is not available here"));
  }

  /** Compiles a rule's {@code when} expression; throws with a readable message when it cannot. */
  public interface ConditionCompiler {
    Rule.Condition compile(String ruleName, String expression) throws IllegalArgumentException;
  }

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  static final Duration DEFAULT_INVALID_CREDENTIAL_TTL = Duration.ofSeconds(5);

  private final JwtFactory jwt;
  private final ConditionCompiler conditions;
  private final KeyFiles keyFiles;
  private final SecretKeys secretKeys;
  private final Methods methods;
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
    this(jwt, conditions, keyFiles, secretKeys, Methods.NONE, fingerprintSecret);
  }

  public PolicyParser(
      JwtFactory jwt,
      ConditionCompiler conditions,
      KeyFiles keyFiles,
      SecretKeys secretKeys,
      Methods methods,
      byte[] fingerprintSecret) {
    this.jwt = jwt;
    this.conditions = conditions;
    this.keyFiles = keyFiles;
    this.secretKeys = secretKeys;
    this.methods = methods;
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

    Optional<AuthPolicy> policy(Object document) {
      Map<String, Object> root = map(document, "");
      if (root == null) {
        return Optional.empty();
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
      int before = errors.size();
      List<FieldProblem> problems = new ArrayList<>(SCHEMA.check("spec", root.get("spec")));
      List<FieldProblem> binding = new ArrayList<>();
      Optional<AuthPolicySpec> spec =
          SpecBinder.bind(root.get("spec"), AuthPolicySpec.class, "spec", binding);
      (problems.isEmpty() ? binding : problems)
          .forEach(problem -> error(problem.path(), problem.message()));
      if (spec.isEmpty()) {
        return Optional.empty();
      }
      // Compiled even when the schema found problems, so every mistake is named at once; a value
      // the schema already refused (an empty list item) may then fail here, and that is no news.
      AuthPolicy policy;
      try {
        policy =
            compile(namespace.isEmpty() ? name : namespace + "/" + name, namespace, spec.get());
      } catch (RuntimeException e) {
        if (errors.size() > before) {
          return Optional.empty();
        }
        throw e;
      }
      return errors.size() > before ? Optional.empty() : Optional.of(policy);
    }

    private AuthPolicy compile(String id, String namespace, AuthPolicySpec spec) {
      RequestMatch match = match(spec.match());
      Set<String> targets = targets(spec.targets(), namespace.isEmpty() ? "default" : namespace);
      if (!targets.isEmpty()) {
        match =
            new RequestMatch(
                match.hosts(), match.paths(), match.methods(), match.routes(), targets);
      }
      AuthPolicy policy =
          new AuthPolicy(
              id,
              match,
              identity(orEmpty(spec.identity()), namespace),
              rules(orEmpty(spec.rules())),
              response(spec.response()),
              deny(spec.deny()));
      return spec.cache() == null ? policy : withCache(policy, spec.cache());
    }

    /**
     * The policy remembering its decisions, keyed by what it reads; an error at {@code spec.cache}
     * when a method or rule reads more than a key can hold.
     */
    private AuthPolicy withCache(AuthPolicy policy, AuthPolicySpec.Cache spec) {
      List<String> problems = new ArrayList<>();
      Duration ttl =
          PolicyDurations.orDefault(spec.ttl(), "ttl", Duration.ZERO, "spec.cache", problems);
      Duration invalid =
          PolicyDurations.orDefault(
              spec.invalidCredentialTtl(),
              "invalidCredentialTtl",
              DEFAULT_INVALID_CREDENTIAL_TTL,
              "spec.cache",
              problems);
      problems.forEach(p -> error(p.substring(0, p.indexOf(':')), p.substring(p.indexOf(':') + 2)));
      RequestReads reads = policy.reads();
      if (!reads.keyable()) {
        error(
            "spec.cache",
            "decisions cannot be remembered: " + String.join("; ", reads.unkeyable()));
      }
      if (!problems.isEmpty() || !reads.keyable() || ttl == null || invalid == null) {
        return policy;
      }
      return new AuthPolicy(
          policy.name(),
          policy.match(),
          policy.identity(),
          policy.rules(),
          policy.response(),
          policy.deny(),
          Optional.of(new DecisionCache(reads, ttl, invalid, Clock.systemUTC())));
    }

    /**
     * {@code targetRefs}: HTTPRoutes and Gateways in the policy's namespace, as {@code
     * httproute/<namespace>/<name>} or {@code gateway/<namespace>/<name>}; an Emissary Mapping as
     * the HTTPRoute the control plane serves it as; the schema has refused any other kind.
     */
    private Set<String> targets(List<TargetRef> refs, String namespace) {
      Set<String> targets = new LinkedHashSet<>();
      for (TargetRef ref : refs) {
        if (TargetRef.namesMapping(ref) && ref.name() != null) {
          targets.add("httproute/" + namespace + "/" + TargetRef.MAPPING_ROUTE_PREFIX + ref.name());
        } else if (ref.kind() != null && ref.name() != null) {
          targets.add(ref.kind().toLowerCase(Locale.ROOT) + "/" + namespace + "/" + ref.name());
        }
      }
      return targets;
    }

    private RequestMatch match(AuthPolicySpec.Match match) {
      if (match == null) {
        return RequestMatch.ALL;
      }
      List<PathMatch> paths = new ArrayList<>();
      List<AuthPolicySpec.PathMatch> entries = orEmpty(match.paths());
      for (int i = 0; i < entries.size(); i++) {
        AuthPolicySpec.PathMatch entry = entries.get(i);
        if (entry == null) {
          continue;
        }
        if (entry.exact() != null) {
          paths.add(new PathMatch.Exact(entry.exact()));
        } else if (entry.prefix() != null) {
          paths.add(new PathMatch.Prefix(entry.prefix()));
        } else if (entry.regex() != null) {
          try {
            paths.add(new PathMatch.Regex(Pattern.compile(entry.regex())));
          } catch (PatternSyntaxException e) {
            error(
                "spec.match.paths[" + i + "].regex",
                "not a valid regular expression: " + e.getDescription());
          }
        }
      }
      Set<String> methods = new LinkedHashSet<>();
      orEmpty(match.methods()).forEach(m -> methods.add(m.toUpperCase(Locale.ROOT)));
      return new RequestMatch(
          orEmpty(match.hosts()), paths, methods, new LinkedHashSet<>(orEmpty(match.routes())));
    }

    private List<IdentityVerifier> identity(
        List<AuthPolicySpec.Identity> entries, String namespace) {
      List<IdentityVerifier> verifiers = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        String path = "spec.identity[" + i + "]";
        AuthPolicySpec.Identity entry = entries.get(i);
        if (entry == null) {
          continue;
        }
        if (entry.jwt() != null) {
          built(
                  (spec, ns, at, problems) -> jwt.create(spec, at, problems),
                  entry.jwt(),
                  namespace,
                  path + ".jwt")
              .ifPresent(verifiers::add);
        } else if (entry.basicAuth() != null) {
          built(methods.basicAuth(), entry.basicAuth(), namespace, path + ".basicAuth")
              .ifPresent(verifiers::add);
        } else if (entry.oidc() != null) {
          built(methods.oidc(), entry.oidc(), namespace, path + ".oidc").ifPresent(verifiers::add);
        } else if (entry.serviceAccount() != null) {
          built(
                  methods.serviceAccount(),
                  entry.serviceAccount(),
                  namespace,
                  path + ".serviceAccount")
              .ifPresent(verifiers::add);
        } else if (entry.introspection() != null) {
          built(methods.introspection(), entry.introspection(), namespace, path + ".introspection")
              .ifPresent(verifiers::add);
        } else if (entry.apiKey() != null) {
          apiKey(entry.apiKey(), path + ".apiKey").ifPresent(verifiers::add);
        } else if (entry.mtls() != null) {
          verifiers.add(new MtlsVerifier(orEmpty(entry.mtls().allowed())));
        } else if (entry.anonymous() != null) {
          verifiers.add(new AnonymousVerifier());
        }
      }
      return verifiers;
    }

    /**
     * A method its factory built; none, with the factory's problems reported, when it could not.
     */
    private <S> Optional<IdentityVerifier> built(
        MethodFactory<S> factory, S spec, String namespace, String path) {
      List<String> problems = new ArrayList<>();
      IdentityVerifier verifier = factory.create(spec, namespace, path, problems);
      problems.forEach(p -> errors.add(new PolicyError(source, "", p)));
      return verifier != null && problems.isEmpty() ? Optional.of(verifier) : Optional.empty();
    }

    private Optional<IdentityVerifier> apiKey(AuthPolicySpec.ApiKey spec, String path) {
      CredentialSource from = credentialSource(spec.from(), "x-api-key", "");
      if (spec.secretSelector() != null && spec.secretSelector().matchLabels() != null) {
        List<String> problems = new ArrayList<>();
        var fromSecrets = secretKeys.select(spec.secretSelector().matchLabels(), problems);
        problems.forEach(p -> error(path + ".secretSelector", p));
        return Optional.of(new ApiKeyVerifier(from, fromSecrets, fingerprintSecret));
      }
      if (spec.keysFile() != null) {
        List<String> problems = new ArrayList<>();
        var fromFile = keyFiles.open(spec.keysFile(), problems);
        problems.forEach(p -> error(path + ".keysFile", p));
        return Optional.of(new ApiKeyVerifier(from, fromFile, fingerprintSecret));
      }
      List<ApiKey> keys = new ArrayList<>();
      for (AuthPolicySpec.Key entry : orEmpty(spec.keys())) {
        byte[] digest = digest(entry);
        if (digest != null && entry.principal() != null) {
          Map<String, String> metadata = entry.metadata() == null ? Map.of() : entry.metadata();
          keys.add(new ApiKey(digest, entry.principal(), metadata));
        }
      }
      List<ApiKey> loaded = List.copyOf(keys);
      return Optional.of(new ApiKeyVerifier(from, () -> loaded, fingerprintSecret));
    }

    /** The key's SHA-256; null when the schema has refused the entry. */
    private static byte[] digest(AuthPolicySpec.Key entry) {
      if (entry == null || (entry.key() == null) == (entry.sha256() == null)) {
        return null;
      }
      if (entry.key() != null) {
        return ApiKeyVerifier.sha256(entry.key());
      }
      return SHA256_HEX.matcher(entry.sha256()).matches()
          ? HexFormat.of().parseHex(entry.sha256())
          : null;
    }

    private List<Rule> rules(List<AuthPolicySpec.Rule> entries) {
      List<Rule> rules = new ArrayList<>();
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < entries.size(); i++) {
        String path = "spec.rules[" + i + "]";
        AuthPolicySpec.Rule entry = entries.get(i);
        if (entry == null || entry.name() == null) {
          continue;
        }
        if (!names.add(entry.name())) {
          error(path + ".name", "duplicate rule name '" + entry.name() + "'");
        }
        String action = entry.action() == null ? "allow" : entry.action().toLowerCase(Locale.ROOT);
        if (!action.equals("allow") && !action.equals("deny")) {
          continue;
        }
        try {
          rules.add(
              new Rule(
                  entry.name(),
                  action.equals("allow") ? Rule.Action.ALLOW : Rule.Action.DENY,
                  conditions.compile(entry.name(), entry.when() == null ? "true" : entry.when())));
        } catch (IllegalArgumentException e) {
          error(path + ".when", e.getMessage());
        }
      }
      return rules;
    }

    private AuthPolicy.AllowResponse response(AuthPolicySpec.Response response) {
      if (response == null) {
        return AuthPolicy.AllowResponse.NONE;
      }
      return new AuthPolicy.AllowResponse(
          templates(response.headers(), "spec.response.headers", true),
          orEmpty(response.removeHeaders()).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
          templates(response.dynamicMetadata(), "spec.response.dynamicMetadata", false));
    }

    private Map<String, Template> templates(
        Map<String, String> entries, String path, boolean headerNames) {
      Map<String, Template> templates = new LinkedHashMap<>();
      if (entries == null) {
        return templates;
      }
      entries.forEach(
          (name, text) -> {
            try {
              templates.put(
                  headerNames ? name.toLowerCase(Locale.ROOT) : name,
                  Template.parse(text == null ? "" : text));
            } catch (IllegalArgumentException e) {
              error(path + "." + name, e.getMessage());
            }
          });
      return templates;
    }

    private static AuthPolicy.DenyResponse deny(AuthPolicySpec.Deny deny) {
      if (deny == null) {
        return AuthPolicy.DenyResponse.DEFAULT;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      if (deny.headers() != null) {
        deny.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      }
      return new AuthPolicy.DenyResponse(
          deny.realm() == null ? "attache" : deny.realm(),
          deny.body() == null ? "" : deny.body(),
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

  /**
   * Where a method reads its credential: the {@code from} block, or the method's default header and
   * prefix when it is absent or leaves them out.
   */
  public static CredentialSource credentialSource(
      AuthPolicySpec.CredentialSource from, String defaultHeader, String defaultPrefix) {
    if (from == null) {
      return new CredentialSource.Header(defaultHeader, defaultPrefix);
    }
    if (from.query() != null) {
      return new CredentialSource.Query(from.query());
    }
    return new CredentialSource.Header(
        from.header() != null ? from.header() : defaultHeader,
        from.prefix() != null ? from.prefix() : defaultPrefix);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
