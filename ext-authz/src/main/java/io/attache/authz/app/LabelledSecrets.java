package io.attache.authz.app;

import io.attache.crds.AnyChange;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Credentials read from the Kubernetes Secrets that carry a set of labels: one informer per
 * distinct set, shared by every policy selecting it, and what the Secrets hold recomputed whenever
 * one of them changes, so the request path only reads memory.
 *
 * @param <T> what the selected Secrets hold, read together
 */
final class LabelledSecrets<T> implements AutoCloseable {
  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final Function<List<Secret>, T> read;
  private final Map<Map<String, String>, Selection<T>> selections = new ConcurrentHashMap<>();

  /**
   * @param read what a selection's Secrets hold, given them in namespace/name order
   */
  LabelledSecrets(
      KubernetesClient client, Optional<String> namespace, Function<List<Secret>, T> read) {
    this.client = client;
    this.namespace = namespace;
    this.read = read;
  }

  /** What the Secrets carrying {@code labels} hold now, and from now on. */
  Supplier<T> select(Map<String, String> labels) {
    return selections.computeIfAbsent(Map.copyOf(labels), this::watch);
  }

  private static final class Selection<T> implements Supplier<T> {
    private volatile T content;
    private SharedIndexInformer<Secret> informer;

    @Override
    public T get() {
      return content;
    }
  }

  private Selection<T> watch(Map<String, String> labels) {
    Selection<T> selection = new Selection<>();
    Runnable refresh =
        () ->
            selection.content =
                read.apply(
                    selection.informer.getStore().list().stream()
                        .sorted(
                            Comparator.comparing((Secret s) -> s.getMetadata().getNamespace())
                                .thenComparing(s -> s.getMetadata().getName()))
                        .toList());
    var secrets =
        namespace.isPresent()
            ? client.secrets().inNamespace(namespace.get()).withLabels(labels)
            : client.secrets().inAnyNamespace().withLabels(labels);
    // The informer is kept before it runs: its first events arrive while run() waits for the sync.
    selection.informer = secrets.runnableInformer(0);
    selection.informer.addEventHandler(new AnyChange<>(refresh));
    selection.informer.run();
    refresh.run();
    return selection;
  }

  @Override
  public void close() {
    selections.values().forEach(s -> s.informer.close());
  }
}
