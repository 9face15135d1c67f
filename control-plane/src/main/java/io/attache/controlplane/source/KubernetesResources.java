package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.ServiceState;
import io.attache.events.EventSink;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API as the source of cluster state: informers on v1 Services and
 * discovery.k8s.io/v1 EndpointSlices (all namespaces, or one), converted by the same converters as
 * the YAML files. Level-based: every burst of events (debounced on one thread) recomputes the whole
 * state from the informers' caches. An invalid object is left out and reported; the valid rest
 * applies, as Kubernetes controllers do. Each new, changed or deleted object is audited ({@code
 * audit.config}, kind {@code Service} or {@code EndpointSlice}) once per resource version. Never
 * calls the API server on an informer thread.
 */
public final class KubernetesResources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesResources.class);
  private static final Comparator<HasMetadata> BY_KEY =
      Comparator.comparing(KubernetesResources::key);

  private final Consumer<ClusterState> listener;
  private final ConfigAudit audit;
  private Map<String, String> audited = new HashMap<>(); // "Kind ns/name" -> resourceVersion
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
      Consumer<ClusterState> listener,
      EventSink events) {
    this.listener = listener;
    this.audit = new ConfigAudit(events);
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
    Map<String, String> seen = new HashMap<>();
    List<ServiceState> states = new ArrayList<>();
    for (Service service : sorted(serviceList)) {
      List<ResourceError> own = DocumentErrors.list();
      Optional<ServiceState> state =
          ServiceConverter.convert(service, DocumentErrors.forObject("Service", key(service), own));
      state.ifPresent(states::add);
      errors.addAll(own);
      audit(
          service,
          "Service",
          seen,
          own,
          () ->
              "applied: ports "
                  + state.orElseThrow().ports().stream()
                      .map(p -> (p.name().isEmpty() ? "" : p.name() + "=") + p.port())
                      .toList());
    }
    List<EndpointState> endpoints = new ArrayList<>();
    for (EndpointSlice slice : sorted(sliceList)) {
      List<ResourceError> own = DocumentErrors.list();
      Optional<EndpointState> state =
          EndpointSliceConverter.convert(
              slice, DocumentErrors.forObject("EndpointSlice", key(slice), own));
      state.ifPresent(endpoints::add);
      errors.addAll(own);
      audit(
          slice,
          "EndpointSlice",
          seen,
          own,
          () ->
              "applied: "
                  + state.orElseThrow().endpoints().stream().filter(e -> e.ready()).count()
                  + " of "
                  + state.orElseThrow().endpoints().size()
                  + " endpoints ready for Service "
                  + state.orElseThrow().serviceKey());
    }
    for (String gone : audited.keySet()) {
      if (!seen.containsKey(gone)) {
        String[] kindAndKey = gone.split(" ", 2);
        String[] namespaceAndName = kindAndKey[1].split("/", 2);
        audit.applied(
            kindAndKey[0],
            Optional.of(namespaceAndName[0]),
            namespaceAndName[1],
            OptionalLong.empty(),
            "deleted: no longer served");
      }
    }
    audited = seen;
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

  /** Audits {@code resource} unless this resource version of it was audited already. */
  private void audit(
      HasMetadata resource,
      String kind,
      Map<String, String> seen,
      List<ResourceError> errors,
      Supplier<String> applied) {
    String id = kind + " " + key(resource);
    String version =
        resource.getMetadata() == null || resource.getMetadata().getResourceVersion() == null
            ? ""
            : resource.getMetadata().getResourceVersion();
    seen.put(id, version);
    if (version.equals(audited.get(id))) {
      return;
    }
    Optional<String> namespace = Optional.of(Metadata.namespace(resource));
    String name = resource.getMetadata() == null ? "" : resource.getMetadata().getName();
    name = name == null ? "" : name;
    OptionalLong generation =
        resource.getMetadata() == null || resource.getMetadata().getGeneration() == null
            ? OptionalLong.empty()
            : OptionalLong.of(resource.getMetadata().getGeneration());
    if (errors.isEmpty()) {
      audit.applied(kind, namespace, name, generation, applied.get());
    } else {
      audit.rejected(
          kind, namespace, name, generation, "rejected, left out: " + ConfigAudit.describe(errors));
    }
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
