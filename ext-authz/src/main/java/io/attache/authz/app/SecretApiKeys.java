package io.attache.authz.app;

import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyVerifier;
import io.attache.authz.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * API keys from Kubernetes Secrets selected by labels ({@code apiKey.secretSelector}). Each Secret
 * holds one key in {@code data.api_key}; the principal is its {@code attache.io/principal}
 * annotation (else the Secret's name), and its other {@code attache.io/*} annotations are the key's
 * metadata ({@code attache.io/tier: gold} gives {@code tier}). One informer per distinct selector,
 * shared by every policy using it; keys are held only as digests, and the informer's cache is read
 * on change, never on the request path.
 */
final class SecretApiKeys implements PolicyParser.SecretKeys, AutoCloseable {
  static final String KEY_FIELD = "api_key";
  static final String PREFIX = "attache.io/";

  private final WatchedSecrets<List<ApiKey>> secrets;

  SecretApiKeys(KubernetesClient client, Optional<String> namespace) {
    this.secrets = new WatchedSecrets<>(client, namespace, SecretApiKeys::keys);
  }

  private static List<ApiKey> keys(List<Secret> secrets) {
    List<ApiKey> loaded = new ArrayList<>();
    for (Secret secret : secrets) {
      String encoded = secret.getData() == null ? null : secret.getData().get(KEY_FIELD);
      if (encoded == null) {
        continue;
      }
      String key = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).trim();
      Map<String, String> annotations =
          secret.getMetadata().getAnnotations() == null
              ? Map.of()
              : secret.getMetadata().getAnnotations();
      Map<String, String> metadata = new LinkedHashMap<>();
      annotations.forEach(
          (name, value) -> {
            if (name.startsWith(PREFIX) && !name.equals(PREFIX + "principal")) {
              metadata.put(name.substring(PREFIX.length()), value);
            }
          });
      String principal =
          annotations.getOrDefault(PREFIX + "principal", secret.getMetadata().getName());
      loaded.add(new ApiKey(ApiKeyVerifier.sha256(key), principal, metadata));
    }
    return List.copyOf(loaded);
  }

  @Override
  public Supplier<List<ApiKey>> select(Map<String, String> labels, List<String> problems) {
    return secrets.select(labels);
  }

  @Override
  public void close() {
    secrets.close();
  }
}
