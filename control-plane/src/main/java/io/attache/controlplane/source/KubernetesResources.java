package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.translate.BackendTlsReports;
import io.attache.controlplane.translate.FilterAttachments;
import io.attache.controlplane.translate.GatewayReports;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.controlplane.translate.PolicyVerdict;
import io.attache.controlplane.translate.RouteAttachments;
import io.attache.controlplane.translate.RouteResolver;
import io.attache.controlplane.translate.TrafficPolicies;
import io.attache.crds.StatusLeader;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.events.EventSink;
import io.attache.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API as the source of cluster state: one informer per {@link ResourceKind} watched
 * (v1 Services, discovery.k8s.io/v1 EndpointSlices and, when enabled, Gateway API Gateways of our
 * class, HTTPRoutes, the {@code kubernetes.io/tls} Secrets HTTPS listeners name, and our policies),
 * all namespaces or one, converted by the same kinds as the YAML files. Secret contents never reach
 * a log or an audit event; Secrets no listener names are neither converted nor audited.
 * Level-based: every burst of events (debounced on one thread) recomputes the state from the
 * informers' caches. An invalid object keeps its last valid version served, or is left out if it
 * never had one, and is reported; the valid rest applies, so a bad edit never takes traffic off a
 * working route. Each new, changed or deleted object is audited ({@code audit.config}) once per
 * resource version. Status is written by a {@link StatusReconciler} on the replica holding the
 * status Lease, if one is configured. Never calls the API server on an informer thread.
 */
public final class KubernetesResources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesResources.class);

  /**
   * How to watch.
   *
   * @param namespace the one namespace to watch; empty for all
   * @param gatewayApi whether to watch Gateways, HTTPRoutes (their CRDs must be installed) and TLS
   *     Secrets
   * @param gatewayClass the {@code gatewayClassName} whose Gateways are ours
   * @param statusLease where the Lease electing the status writer lives; empty: never write status
   * @param trafficPolicies whether to watch TrafficPolicies (their CRD must be installed)
   * @param filterPolicies whether to watch AuthPolicies and RateLimitPolicies for their targets
   * @param emissary whether to watch Emissary's Mappings and Hosts (its CRDs must be installed)
   */
  public record Options(
      Optional<String> namespace,
      Duration debounce,
      boolean gatewayApi,
      String gatewayClass,
      Optional<String> statusLease,
      boolean trafficPolicies,
      boolean filterPolicies,
      boolean emissary) {
    /** Without Emissary's Mappings and Hosts. */
    public Options(
        Optional<String> namespace,
        Duration debounce,
        boolean gatewayApi,
        String gatewayClass,
        Optional<String> statusLease,
        boolean trafficPolicies,
        boolean filterPolicies) {
      this(
          namespace,
          debounce,
          gatewayApi,
          gatewayClass,
          statusLease,
          trafficPolicies,
          filterPolicies,
          false);
    }

    /** Services and EndpointSlices only, no status. */
    public static Options discoveryOnly(Optional<String> namespace, Duration debounce) {
      return new Options(
          namespace,
          debounce,
          false,
          GatewayConverter.DEFAULT_CLASS,
          Optional.empty(),
          false,
          false);
    }
  }

  private final Consumer<ClusterState> listener;
  private final ConfigAudit audit;
  private final Options options;
  private Map<ObjectKey, String> audited = new HashMap<>(); // -> resourceVersion

  /** How many objects audited before a read has seen again so far (one read at a time). */
  private int stillThere;

  private final ResourceStore store = new ResourceStore(true);

  /** Kept across reads: it remembers how each unchanged route resolved (RouteResolver). */
  private final RouteResolver routeResolver = new RouteResolver();

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-k8s-resources"));
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /** The objects of each kind watched, in the order a read converts them. */
  private final Map<ResourceKind<?, ?>, SortedObjects<?>> watched = new LinkedHashMap<>();

  private final StatusReconciler status;
  private final MappingStatusWriter mappingStatus;
  private volatile boolean started;
  private volatile SharedIndexInformer<GatewayClass> gatewayClasses;
  private volatile StatusLeader leader;

  /** Services and EndpointSlices only. */
  public KubernetesResources(
      KubernetesClient client,
      Optional<String> namespace,
      Duration debounce,
      Consumer<ClusterState> listener,
      EventSink events) {
    this(client, Options.discoveryOnly(namespace, debounce), listener, events);
  }

  /**
   * Starts the informers and waits for their first list; the first state goes to the listener
   * shortly after this returns.
   */
  public KubernetesResources(
      KubernetesClient client, Options options, Consumer<ClusterState> listener, EventSink events) {
    this.listener = listener;
    this.audit = new ConfigAudit(events);
    this.options = options;
    this.status = new StatusReconciler(client);
    this.mappingStatus = new MappingStatusWriter(client);
    try {
      for (ResourceKind<?, ?> kind : ResourceKinds.all(options.gatewayClass())) {
        if (watches(kind.group())) {
          watched.put(kind, inform(client, kind));
        }
      }
      if (options.gatewayApi()
          && options.statusLease().isPresent()
          && options.namespace().isEmpty()) {
        // Cluster-scoped: only a control plane watching every namespace may read GatewayClasses.
        gatewayClasses =
            client
                .resources(GatewayClass.class)
                .withField("metadata.name", options.gatewayClass())
                .inform(rescheduling(), 0);
        informers.add(gatewayClasses);
      }
      if (options.statusLease().isPresent()) {
        leader =
            new StatusLeader(
                client,
                options.statusLease().get(),
                "attache-control-plane-status",
                Duration.ofSeconds(15),
                this::schedule,
                executor);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    started = true;
    schedule();
  }

  /**
   * Whether Emissary's Mapping, Host, Listener and TLSContext CRDs (getambassador.io/v3alpha1) are
   * installed, all of them: Emissary 2 and later installs them together. When only some are, the
   * missing ones are logged, since Mappings are then not served at all.
   */
  public static boolean emissaryInstalled(KubernetesClient client) {
    List<String> missing = new ArrayList<>();
    for (Class<? extends HasMetadata> kind :
        List.of(
            EmissaryResources.Mapping.class,
            EmissaryResources.Host.class,
            EmissaryResources.Listener.class,
            EmissaryResources.TlsContext.class)) {
      if (!client.supports(kind)) {
        missing.add(HasMetadata.getPlural(kind));
      }
    }
    if (!missing.isEmpty() && missing.size() < 4) {
      log.warn(
          "Emissary's Mappings are not served: its CRDs for {} are missing (getambassador.io/v3alpha1)",
          missing);
    }
    return missing.isEmpty();
  }

  private boolean watches(ResourceKind.Group group) {
    return switch (group) {
      case DISCOVERY -> true;
      case GATEWAY_API -> options.gatewayApi();
      case NAMESPACES -> options.gatewayApi() && options.namespace().isEmpty();
      case TRAFFIC_POLICIES -> options.trafficPolicies();
      case FILTER_POLICIES -> options.filterPolicies();
      case EMISSARY -> options.emissary();
    };
  }

  private <T extends HasMetadata> SortedObjects<T> inform(
      KubernetesClient client, ResourceKind<T, ?> kind) {
    var resources = client.resources(kind.type());
    FilterWatchListDeletable<T, KubernetesResourceList<T>, Resource<T>> scope =
        options.namespace().isPresent()
            ? resources.inNamespace(options.namespace().get())
            : resources.inAnyNamespace();
    for (Map.Entry<String, String> field : kind.apiFieldSelector().entrySet()) {
      scope = scope.withField(field.getKey(), field.getValue());
    }
    SortedObjects<T> objects = new SortedObjects<>(this::schedule);
    SharedIndexInformer<T> informer = scope.inform(objects, 0);
    informers.add(informer);
    objects.seed(informer);
    return objects;
  }

  /** Any add, update or delete schedules a recomputation. */
  private <T> ResourceEventHandler<T> rescheduling() {
    return new ResourceEventHandler<>() {
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
    };
  }

  /** Recomputes soon, once for however many events arrive meanwhile. */
  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      executor.schedule(this::reconcile, options.debounce().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void reconcile() {
    scheduled.set(false);
    if (!started) {
      return; // still starting; the constructor schedules again
    }
    try {
      listener.accept(read());
    } catch (RuntimeException e) {
      log.error("reading the Kubernetes resources failed; clients keep the last state", e);
    }
  }

  private ClusterState read() {
    List<ResourceError> errors = DocumentErrors.list();
    Map<ObjectKey, String> seen = ResourceStore.sized(audited.size());
    stillThere = 0;
    Map<ObjectKey, List<ResourceError>> invalid = new HashMap<>();
    Map<String, List<HasMetadata>> read = new HashMap<>(); // kind -> its objects, for status
    StateBuilder builder = new StateBuilder();
    for (var entry : watched.entrySet()) {
      ResourceKind<?, ?> kind = entry.getKey();
      // The API server applies field selectors; fabric8's mock server does not, so check again.
      List<HasMetadata> objects =
          entry.getValue().list().stream()
              .filter(kind::accepts)
              .filter(object -> kind.relevant(object, builder))
              .toList();
      read.put(kind.name(), objects);
      for (HasMetadata object : objects) {
        convert(kind, object, builder, seen, errors, invalid);
      }
      kind.settle().settle(builder, errors, errors);
    }
    auditDeleted(seen);
    audited = seen;
    store.finishRead();
    ClusterState state = builder.build();
    RouteAttachments routeAttachments = routeResolver.resolve(state);
    List<RouteStatus> statuses = routeAttachments.statuses();
    List<GatewayTls.Problem> certificateProblems = GatewayTls.resolve(state).problems();
    errors.addAll(RouteProblems.of(statuses));
    errors.addAll(ListenerProblems.of(certificateProblems));
    errors.addAll(BackendTlsProblems.of(state));
    List<PolicyVerdict> verdicts = TrafficPolicies.resolve(state).verdicts();
    List<PolicyVerdict> attachmentVerdicts = FilterAttachments.resolve(state).verdicts();
    Map<String, String> kinds = new HashMap<>();
    state.attachments().forEach(a -> kinds.put(a.key(), a.kind().displayName()));
    for (PolicyVerdict verdict : verdicts) {
      reportVerdict("TrafficPolicy", verdict, errors);
    }
    for (PolicyVerdict verdict : attachmentVerdicts) {
      reportVerdict(kinds.get(verdict.policyKey()), verdict, errors);
    }
    for (ResourceError error : errors) {
      log.error("invalid resource, left out: {}", error);
    }
    lastErrors.set(List.copyOf(errors));
    if (leader != null && leader.isLeader()) {
      Map<ServiceKey, Set<String>> gatewaysByService =
          BackendTlsReports.gatewaysByService(state, statuses);
      status.write(
          new StatusReconciler.Found(
              ourGatewayClasses(),
              objects(read, "Gateway", Gateway.class),
              objects(read, "HTTPRoute", HTTPRoute.class),
              objects(read, "GRPCRoute", GRPCRoute.class),
              objects(read, "TLSRoute", TLSRoute.class),
              objects(read, "TCPRoute", TCPRoute.class),
              objects(read, "TrafficPolicy", TrafficPolicy.class),
              objects(read, "AuthPolicy", AuthPolicy.class),
              objects(read, "RateLimitPolicy", RateLimitPolicy.class),
              objects(read, "BackendTLSPolicy", BackendTLSPolicy.class),
              GatewayReports.of(state, routeAttachments, certificateProblems),
              statuses,
              verdicts,
              attachmentVerdicts,
              BackendTlsReports.of(state, gatewaysByService),
              gatewaysByService,
              invalid,
              foreignGateways()));
      mappingStatus.write(
          objects(read, "Mapping", EmissaryResources.Mapping.class), invalid, errors);
    }
    log.info(
        "resources: {} services, {} endpoint slices, {} gateways, {} HTTPRoutes, {} TLS Secrets"
            + " from the Kubernetes API ({} problems)",
        state.services().size(),
        state.endpoints().size(),
        state.gateways().size(),
        state.httpRoutes().size(),
        state.secrets().size(),
        errors.size());
    return state;
  }

  private void auditDeleted(Map<ObjectKey, String> seen) {
    if (stillThere == audited.size()) {
      return; // every object audited before was seen again: nothing deleted
    }
    for (ObjectKey gone : audited.keySet()) {
      if (!seen.containsKey(gone)) {
        audit.applied(
            gone.kind(),
            Optional.of(gone.namespace()),
            gone.name(),
            OptionalLong.empty(),
            "deleted: no longer served");
      }
    }
  }

  private List<GatewayClass> ourGatewayClasses() {
    if (gatewayClasses == null) {
      return List.of();
    }
    // The mock API server ignores field selectors; the API server does not.
    return gatewayClasses.getStore().list().stream()
        .filter(c -> options.gatewayClass().equals(c.getMetadata().getName()))
        .toList();
  }

  /** The Gateways of other classes, as {@code namespace/name}: routes naming them are not ours. */
  private Set<String> foreignGateways() {
    return watched.entrySet().stream()
        .filter(e -> e.getKey().name().equals("Gateway"))
        .flatMap(e -> e.getValue().list().stream())
        .filter(gateway -> !GatewayConverter.ours((Gateway) gateway, options.gatewayClass()))
        .map(KubernetesResources::key)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static <T> List<T> objects(
      Map<String, List<HasMetadata>> read, String kind, Class<T> type) {
    return read.getOrDefault(kind, List.of()).stream().map(type::cast).toList();
  }

  private static void reportVerdict(
      String kind, PolicyVerdict verdict, List<ResourceError> errors) {
    if (!verdict.accepted()) {
      errors.add(
          new ResourceError(
              kind + " " + verdict.policyKey(),
              0,
              "spec.targetRefs",
              verdict.reason() + ": " + verdict.message()));
    }
  }

  /**
   * Converts one object, reports and audits it. An invalid one that was valid before keeps its last
   * valid state served (a bad edit never takes a working object away); one that gives nothing and
   * has no errors (e.g. a policy without targets) is nothing the control plane serves.
   */
  private void convert(
      ResourceKind<?, ?> kind,
      HasMetadata object,
      StateBuilder builder,
      Map<ObjectKey, String> seen,
      List<ResourceError> errors,
      Map<ObjectKey, List<ResourceError>> invalid) {
    ObjectKey key = kind.keyOf(object);
    List<ResourceError> own = DocumentErrors.list();
    ResourceStore.Outcome outcome =
        store.convert(kind, object, DocumentErrors.forObject(kind.name(), key.ref(), own));
    outcome.served().ifPresent(state -> kind.addTo(builder, state));
    if (own.isEmpty() && outcome.served().isEmpty()) {
      return;
    }
    List<ResourceError> found = List.copyOf(own);
    if (!outcome.converted()) {
      invalid.put(key, own);
      if (outcome.fromLastGood()) {
        own.add(new ResourceError(key.toString(), 0, "", "the last valid version is still served"));
      }
    }
    errors.addAll(own);
    audit(kind, object, seen, found, outcome);
  }

  /** Audits {@code resource} unless this resource version of it was audited already. */
  private void audit(
      ResourceKind<?, ?> type,
      HasMetadata resource,
      Map<ObjectKey, String> seen,
      List<ResourceError> errors,
      ResourceStore.Outcome outcome) {
    ObjectKey id = outcome.key();
    String kind = id.kind();
    String version =
        resource.getMetadata() == null || resource.getMetadata().getResourceVersion() == null
            ? ""
            : resource.getMetadata().getResourceVersion();
    String last = audited.get(id);
    if (seen.put(id, version) == null && last != null) {
      stillThere++;
    }
    if (version.equals(last)) {
      return;
    }
    // Described only when audited: every read sees every object, and describing each one again
    // was a quarter of a read at 50k objects.
    Optional<String> applied =
        outcome.converted() ? outcome.served().map(type::describe) : Optional.<String>empty();
    Optional<String> namespace = Optional.of(id.namespace());
    String name = id.name();
    OptionalLong generation =
        resource.getMetadata() == null || resource.getMetadata().getGeneration() == null
            ? OptionalLong.empty()
            : OptionalLong.of(resource.getMetadata().getGeneration());
    if (errors.isEmpty()) {
      audit.applied(kind, namespace, name, generation, applied.orElseThrow());
    } else if (applied.isPresent()) {
      // e.g. a Gateway whose valid listeners are served while an invalid one is not
      audit.applied(
          kind,
          namespace,
          name,
          generation,
          applied.get() + "; left out: " + ConfigAudit.describe(errors));
    } else {
      audit.rejected(
          kind,
          namespace,
          name,
          generation,
          (outcome.fromLastGood()
                  ? "rejected, the last valid version is still served: "
                  : "rejected, left out: ")
              + ConfigAudit.describe(errors));
    }
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
    if (leader != null) {
      leader.close();
    }
    informers.forEach(SharedIndexInformer::close);
    executor.shutdownNow();
    try {
      // A read or a status write under way finishes (or gives up) before close returns, so no
      // request reaches the API server after it: the client may be closed next.
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("a read of the Kubernetes resources was still running 10 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
