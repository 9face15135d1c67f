package io.attache.authz.app;

import io.attache.crds.v1alpha1.AuthPolicySpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Values a policy keeps out of itself: in a key of a Secret it names (in its own namespace) or in a
 * file (a mounted Secret), read on every use, so a rotation needs no reload. Also the check every
 * endpoint a policy names gets: https, or http only where the policy allows it.
 */
final class SecretValues implements AutoCloseable {
  private final CredentialFiles files;
  private final WatchedSecrets<Map<String, String>> secrets;

  /**
   * @param client for Secret references; null when policies come from files only
   */
  SecretValues(CredentialFiles files, KubernetesClient client, Optional<String> namespace) {
    this.files = files;
    this.secrets =
        client == null ? null : new WatchedSecrets<>(client, namespace, SecretValues::firstData);
  }

  /**
   * The value of {@code ref} (key {@code defaultKey} unless it names one) or of {@code file},
   * whichever the policy set; null, with problems at {@code path.refField} or {@code
   * path.fileField}, when it cannot be read.
   */
  Supplier<String> value(
      AuthPolicySpec.SecretKeyRef ref,
      String file,
      String defaultKey,
      String namespace,
      String path,
      String refField,
      String fileField,
      List<String> problems) {
    if (file != null) {
      List<String> found = new ArrayList<>();
      Supplier<String> text = files.text(file, found);
      found.forEach(p -> problems.add(path + "." + fileField + ": " + p));
      return text;
    }
    if (ref == null || ref.name() == null) {
      return null;
    }
    if (secrets == null) {
      problems.add(path + "." + refField + ": needs Kubernetes (ATTACHE_POLICY_SOURCE=kubernetes)");
      return null;
    }
    String key = ref.key() == null ? defaultKey : ref.key();
    String inNamespace = namespace.isEmpty() ? "default" : namespace;
    Supplier<Map<String, String>> data = secrets.named(inNamespace, ref.name());
    return () -> {
      String value = data.get().get(key);
      if (value == null) {
        throw new IllegalStateException(
            "Secret " + inNamespace + "/" + ref.name() + " has no key " + key);
      }
      return value;
    };
  }

  /**
   * {@code url} as an endpoint; null, with a problem at {@code path.field}, unless it is https, or
   * http with {@code allowHttp} (credentials would cross the network in the clear).
   */
  static URI endpoint(
      String url, Boolean allowHttp, String path, String field, List<String> problems) {
    try {
      URI uri = new URI(url);
      boolean https = "https".equals(uri.getScheme());
      boolean http = "http".equals(uri.getScheme());
      if (uri.getHost() == null || !(https || http)) {
        problems.add(path + "." + field + ": not an http(s) URL");
        return null;
      }
      if (http && !Boolean.TRUE.equals(allowHttp)) {
        problems.add(
            path
                + "."
                + field
                + ": is http://: tokens and client secrets would cross the network in the clear;"
                + " use https, or set allowHttp: true for a network you trust");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problems.add(path + "." + field + ": not a URL: " + e.getReason());
      return null;
    }
  }

  /** The decoded data of the first Secret listed: a name chooses one or none. */
  private static Map<String, String> firstData(List<Secret> secrets) {
    if (secrets.isEmpty() || secrets.get(0).getData() == null) {
      return Map.of();
    }
    Map<String, String> data = new LinkedHashMap<>();
    secrets
        .get(0)
        .getData()
        .forEach(
            (name, value) ->
                data.put(
                    name,
                    new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8).strip()));
    return Map.copyOf(data);
  }

  @Override
  public void close() {
    if (secrets != null) {
      secrets.close();
    }
  }
}
