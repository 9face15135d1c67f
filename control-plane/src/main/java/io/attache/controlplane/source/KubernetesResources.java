package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServiceState;
import io.attache.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API as the source of cluster state: informers on v1 Services and
 * discovery.k8s.io/v1 EndpointSlices (all namespaces, or one), converted by the same converters as
 * the YAML files. Level-based: every burst of events (debounced on one thread) recomputes the whole
 * state from the informers' caches. An invalid object is left out and reported; the valid rest
 * applies, as Kubernetes controllers do. Never calls the API server on an informer thread.
 */
public final class KubernetesResources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesResources.class);
  private static final Comparator<HasMetadata> BY_KEY =
      Comparator.comparing(KubernetesResources::key);

  private final Consumer<ClusterState> listener;
  private final Duration debounce;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-k8s-resources"));
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private volatile SharedIndexInformer<Service> services;
  private volatile SharedIndexInformer<EndpointSlice> slices;

  /**
   * Starts both informers and waits for their first list; the first state goes to the listener
   * shortly after this returns.
   */
  public KubernetesResources(
      KubernetesClient client,
      Optional<String> namespace,
      Duration debounce,
      Consumer<ClusterState> listener) {
    this.listener = listener;
    this.debounce = debounce;
    this.services = inform(client, Service.class, namespace);
    SharedIndexInformer<EndpointSlice> started;
    try {
      started = inform(client, EndpointSlice.class, namespace);
    } catch (RuntimeException e) {
      services.close();
      executor.shutdownNow();
      throw e;
    }
    this.slices = started;
    schedule();
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      KubernetesClient client, Class<T> type, Optional<String> namespace) {
    var resources = client.resources(type);
    var scope =
        namespace.isPresent() ? resources.inNamespace(namespace.get()) : resources.inAnyNamespace();
    return scope.inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T resource) {
            schedule();
          }

          @Override
          public void onUpdate(T before, T after) {
            schedule();
          }

          @Override
          public void onDelete(T resource, boolean finalStateUnknown) {
            schedule();
          }
        },
        0);
  }

  /** Recomputes soon, once for however many events arrive meanwhile. */
  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      executor.schedule(this::reconcile, debounce.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void reconcile() {
    scheduled.set(false);
    SharedIndexInformer<Service> serviceInformer = services;
    SharedIndexInformer<EndpointSlice> sliceInformer = slices;
    if (serviceInformer == null || sliceInformer == null) {
      return; // still starting; the constructor schedules again
    }
    try {
      listener.accept(read(serviceInformer.getStore().list(), sliceInformer.getStore().list()));
    } catch (RuntimeException e) {
      log.error("reading Services and EndpointSlices failed; clients keep the last state", e);
    }
  }

  private ClusterState read(List<Service> serviceList, List<EndpointSlice> sliceList) {
    List<ResourceError> errors = DocumentErrors.list();
    List<ServiceState> states = new ArrayList<>();
    for (Service service : sorted(serviceList)) {
      ServiceConverter.convert(service, DocumentErrors.forObject("Service", key(service), errors))
          .ifPresent(states::add);
    }
    List<EndpointState> endpoints = new ArrayList<>();
    for (EndpointSlice slice : sorted(sliceList)) {
      EndpointSliceConverter.convert(
              slice, DocumentErrors.forObject("EndpointSlice", key(slice), errors))
          .ifPresent(endpoints::add);
    }
    for (ResourceError error : errors) {
      log.error("invalid resource, left out: {}", error);
    }
    lastErrors.set(List.copyOf(errors));
    log.info(
        "resources: {} services, {} endpoint slices from the Kubernetes API ({} left out)",
        states.size(),
        endpoints.size(),
        serviceList.size() + sliceList.size() - states.size() - endpoints.size());
    return new ClusterState(states, endpoints);
  }

  private static <T extends HasMetadata> List<T> sorted(List<T> resources) {
    List<T> copy = new ArrayList<>(resources);
    copy.sort(BY_KEY);
    return copy;
  }

  static String key(HasMetadata resource) {
    return Metadata.namespace(resource)
        + "/"
        + (resource.getMetadata() == null ? "" : resource.getMetadata().getName());
  }

  /** The errors of the objects left out of the last state; empty when all were valid. */
  public List<ResourceError> lastErrors() {
    return lastErrors.get();
  }

  @Override
  public void close() {
    services.close();
    slices.close();
    executor.shutdownNow();
  }
}
