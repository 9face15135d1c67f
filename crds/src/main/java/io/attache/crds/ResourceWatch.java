package io.attache.crds;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches one kind of resource and hands the complete current list to a reconciler, debounced (100
 * ms), on one thread: a burst of events is one reconcile, and reconciling from the full list is
 * level-based, independent of the order events arrived in.
 */
public final class ResourceWatch<T extends HasMetadata> implements AutoCloseable {
  private static final long DEBOUNCE_MILLIS = 100;

  private final ScheduledExecutorService executor;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Consumer<List<T>> reconcile;
  private volatile SharedIndexInformer<T> informer;

  private ResourceWatch(String threadName, Consumer<List<T>> reconcile) {
    this.reconcile = reconcile;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
  }

  public static <T extends HasMetadata> ResourceWatch<T> start(
      KubernetesClient client,
      Class<T> type,
      Optional<String> namespace,
      String threadName,
      Consumer<List<T>> reconcile) {
    ResourceWatch<T> watch = new ResourceWatch<>(threadName, reconcile);
    var resources = client.resources(type);
    watch.informer =
        (namespace.isPresent()
                ? resources.inNamespace(namespace.get())
                : resources.inAnyNamespace())
            .inform(new AnyChange<>(watch::schedule), 0);
    watch.schedule();
    return watch;
  }

  /** Reconciles soon, once for however many calls arrive meanwhile. */
  public void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      executor.schedule(this::run, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void run() {
    scheduled.set(false);
    SharedIndexInformer<T> current = informer;
    reconcile.accept(current == null ? List.of() : current.getStore().list());
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    executor.shutdownNow();
  }
}
