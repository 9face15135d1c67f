package io.attache.authz.app;

import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyVerifier;
import io.attache.authz.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final Map<Map<String, String>, Selection> selections = new ConcurrentHashMap<>();

  SecretApiKeys(KubernetesClient client, Optional<String> namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The keys of the Secrets matching one selector, recomputed whenever one of them changes. */
  private static final class Selection implements Supplier<List<ApiKey>> {
    private volatile List<ApiKey> keys = List.of();
    private SharedIndexInformer<Secret> informer;

    @Override
    public List<ApiKey> get() {
      return keys;
    }

    void refresh() {
      List<ApiKey> loaded = new ArrayList<>();
      for (Secret secret : informer.getStore().list()) {
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
      keys = List.copyOf(loaded);
    }
  }

  @Override
  public Supplier<List<ApiKey>> select(Map<String, String> labels, List<String> problems) {
    return selections.computeIfAbsent(Map.copyOf(labels), this::watch);
  }

  private Selection watch(Map<String, String> labels) {
    Selection selection = new Selection();
    var secrets =
        namespace.isPresent()
            ? client.secrets().inNamespace(namespace.get()).withLabels(labels)
            : client.secrets().inAnyNamespace().withLabels(labels);
    selection.informer =
        secrets.inform(
            new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
              @Override
              public void onAdd(Secret secret) {
                selection.refresh();
              }

              @Override
              public void onUpdate(Secret before, Secret after) {
                selection.refresh();
              }

              @Override
              public void onDelete(Secret secret, boolean finalStateUnknown) {
                selection.refresh();
              }
            },
            0);
    selection.refresh();
    return selection;
  }

  @Override
  public void close() {
    selections.values().forEach(s -> s.informer.close());
  }
}
