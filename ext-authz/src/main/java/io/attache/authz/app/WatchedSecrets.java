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
 * Credentials read from Kubernetes Secrets, chosen by labels or by name: one informer per distinct
 * choice, shared by every policy making it, and what the Secrets hold recomputed whenever one of
 * them changes, so the request path only reads memory.
 *
 * @param <T> what the chosen Secrets hold, read together
 */
final class WatchedSecrets<T> implements AutoCloseable {
  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final Function<List<Secret>, T> read;
  private final Map<Choice, Selection<T>> selections = new ConcurrentHashMap<>();

  /** The Secrets carrying {@code labels} (in the watched namespace, or all), or one by name. */
  private record Choice(Map<String, String> labels, String namespace, String name) {}

  /**
   * @param read what a selection's Secrets hold, given them in namespace/name order
   */
  WatchedSecrets(
      KubernetesClient client, Optional<String> namespace, Function<List<Secret>, T> read) {
    this.client = client;
    this.namespace = namespace;
    this.read = read;
  }

  /** What the Secrets carrying {@code labels} hold now, and from now on. */
  Supplier<T> select(Map<String, String> labels) {
    return selections.computeIfAbsent(new Choice(Map.copyOf(labels), null, null), this::watch);
  }

  /** What the Secret {@code namespace/name} holds (read from a list of it or nothing). */
  Supplier<T> named(String namespace, String name) {
    return selections.computeIfAbsent(new Choice(Map.of(), namespace, name), this::watch);
  }

  private static final class Selection<T> implements Supplier<T> {
    private volatile T content;
    private SharedIndexInformer<Secret> informer;

    @Override
    public T get() {
      return content;
    }
  }

  private Selection<T> watch(Choice choice) {
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
        choice.name() != null
            ? client
                .secrets()
                .inNamespace(choice.namespace())
                .withField("metadata.name", choice.name())
            : namespace.isPresent()
                ? client.secrets().inNamespace(namespace.get()).withLabels(choice.labels())
                : client.secrets().inAnyNamespace().withLabels(choice.labels());
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
