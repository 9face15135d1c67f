package io.attache.authz.app;

import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.identity.basic.BasicAuthVerifier;
import io.attache.authz.identity.basic.HashScheme;
import io.attache.authz.identity.basic.Htpasswd;
import io.attache.authz.policy.PolicyDurations;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.attache.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code basicAuth} identity methods: users from an htpasswd file ({@link CredentialFiles})
 * or from labelled Secrets, password hashes checked on a small pool of their own. The pool has a
 * thread per core and a bounded queue: a flood of new credentials is refused (and denied) rather
 * than queued without end, and never reaches an event loop.
 */
final class BasicAuthMethods
    implements PolicyParser.MethodFactory<AuthPolicySpec.BasicAuth>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BasicAuthMethods.class);
  static final String USERS_FIELD = "auth";
  static final Duration DEFAULT_REMEMBER = Duration.ofMinutes(5);
  private static final int QUEUED_CHECKS = 1_024;

  private final CredentialFiles files;
  private final WatchedSecrets<Map<String, String>> secrets;
  private final byte[] digestSecret;
  private final ThreadPoolExecutor hashing;

  /**
   * @param client for {@code secretSelector}; null when policies come from files only
   */
  BasicAuthMethods(
      CredentialFiles files,
      KubernetesClient client,
      Optional<String> namespace,
      byte[] digestSecret) {
    this.files = files;
    this.secrets =
        client == null ? null : new WatchedSecrets<>(client, namespace, BasicAuthMethods::files);
    this.digestSecret = digestSecret.clone();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.hashing =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_CHECKS),
            DaemonThreads.named("attache-password-checks"));
  }

  @Override
  public IdentityVerifier create(
      AuthPolicySpec.BasicAuth spec, String namespace, String path, List<String> problems) {
    int before = problems.size();
    Set<HashScheme> allowed = EnumSet.noneOf(HashScheme.class);
    List<String> legacy = spec.allowLegacyHashes() == null ? List.of() : spec.allowLegacyHashes();
    for (String name : legacy) {
      Optional<HashScheme> scheme = HashScheme.named(name).filter(s -> s != HashScheme.BCRYPT);
      scheme.ifPresentOrElse(
          allowed::add,
          () ->
              problems.add(
                  path
                      + ".allowLegacyHashes: unknown hash format '"
                      + name
                      + "', expected apr1, sha1, sha256crypt or sha512crypt"));
    }
    Duration remember =
        PolicyDurations.orDefault(spec.remember(), "remember", DEFAULT_REMEMBER, path, problems);
    Supplier<Htpasswd> users = null;
    if (spec.htpasswdFile() != null) {
      List<String> found = new ArrayList<>();
      users = files.htpasswd(spec.htpasswdFile(), allowed, found);
      found.forEach(p -> problems.add(path + ".htpasswdFile: " + p));
    } else if (spec.secretSelector() != null && spec.secretSelector().matchLabels() != null) {
      if (secrets == null) {
        problems.add(path + ".secretSelector: needs Kubernetes (ATTACHE_POLICY_SOURCE=kubernetes)");
      } else {
        users = new SecretUsers(secrets.select(spec.secretSelector().matchLabels()), allowed);
      }
    }
    if (problems.size() > before || users == null) {
      return null;
    }
    return new BasicAuthVerifier(users, hashing, digestSecret, remember);
  }

  /** Each selected Secret's htpasswd text, by {@code namespace/name}. */
  private static Map<String, String> files(List<Secret> selected) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (Secret secret : selected) {
      String encoded = secret.getData() == null ? null : secret.getData().get(USERS_FIELD);
      if (encoded != null) {
        texts.put(
            secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(),
            new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
      }
    }
    return texts;
  }

  /**
   * The users of the selected Secrets, parsed once per change with one policy's allowed hashes. A
   * Secret whose new text has problems keeps its last good users (logged), so a bad edit locks
   * nobody out; one that never parsed adds no users. A user in two Secrets keeps the first's hash,
   * in namespace/name order.
   */
  private static final class SecretUsers implements Supplier<Htpasswd> {
    private final Supplier<Map<String, String>> texts;
    private final Set<HashScheme> allowed;
    private final Map<String, Parsed> lastGood = new LinkedHashMap<>();
    private Map<String, String> parsedFrom;
    private volatile Htpasswd users = Htpasswd.EMPTY;

    private record Parsed(String text, Htpasswd users) {}

    SecretUsers(Supplier<Map<String, String>> texts, Set<HashScheme> allowed) {
      this.texts = texts;
      this.allowed = Set.copyOf(allowed);
    }

    @Override
    public Htpasswd get() {
      Map<String, String> now = texts.get();
      if (now != parsedFrom) {
        reparse(now);
      }
      return users;
    }

    private synchronized void reparse(Map<String, String> now) {
      if (now == parsedFrom) {
        return;
      }
      Htpasswd merged = Htpasswd.EMPTY;
      lastGood.keySet().retainAll(now.keySet());
      for (Map.Entry<String, String> secret : now.entrySet()) {
        Parsed known = lastGood.get(secret.getKey());
        if (known == null || !known.text().equals(secret.getValue())) {
          List<String> problems = new ArrayList<>();
          Htpasswd parsed =
              Htpasswd.parse(
                  "Secret " + secret.getKey() + " " + USERS_FIELD,
                  secret.getValue(),
                  allowed,
                  problems);
          if (problems.isEmpty()) {
            known = new Parsed(secret.getValue(), parsed);
            lastGood.put(secret.getKey(), known);
          } else {
            problems.forEach(
                p -> log.error("htpasswd users rejected, keeping the previous: {}", p));
          }
        }
        if (known != null) {
          merged = merged.merge(known.users());
        }
      }
      users = merged;
      parsedFrom = now;
    }
  }

  @Override
  public void close() {
    hashing.shutdownNow();
    if (secrets != null) {
      secrets.close();
    }
  }
}
