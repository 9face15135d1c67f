package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.GatewayReport;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.model.TrafficPolicyState;
import io.attache.controlplane.translate.FilterAttachments;
import io.attache.controlplane.translate.GatewayReports;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.controlplane.translate.RouteAttachments;
import io.attache.controlplane.translate.RouteResolver;
import io.attache.controlplane.translate.TrafficPolicies;
import io.attache.crds.AcceptedStatus;
import io.attache.crds.Conditions;
import io.attache.crds.PolicyStatus;
import io.attache.crds.StatusLeader;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.events.EventSink;
import io.attache.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
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
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API as the source of cluster state: informers on v1 Services, discovery.k8s.io/v1
 * EndpointSlices and, when enabled, gateway.networking.k8s.io/v1 Gateways (of our class),
 * HTTPRoutes and the {@code kubernetes.io/tls} Secrets their HTTPS listeners name (all namespaces,
 * or one), converted by the same converters as the YAML files. Secret contents never reach a log or
 * an audit event; Secrets no listener names are neither converted nor audited. Level-based: every
 * burst of events (debounced on one thread) recomputes the whole state from the informers' caches.
 * An invalid object is left out and reported; the valid rest applies, as Kubernetes controllers do
 * — except a Gateway, HTTPRoute or Secret that was valid before: its last valid version keeps being
 * served, so a bad edit never takes traffic off a working route. Each new, changed or deleted
 * object is audited ({@code audit.config}) once per resource version. Gateway, HTTPRoute and policy
 * status is written by the replica holding the status Lease, if one is configured. Never calls the
 * API server on an informer thread.
 */
public final class KubernetesResources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesResources.class);
  private static final Comparator<HasMetadata> BY_KEY =
      Comparator.comparing(KubernetesResources::key);

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
   */
  public record Options(
      Optional<String> namespace,
      Duration debounce,
      boolean gatewayApi,
      String gatewayClass,
      Optional<String> statusLease,
      boolean trafficPolicies,
      boolean filterPolicies) {
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
  private Map<String, String> audited = new HashMap<>(); // "Kind ns/name" -> resourceVersion
  private final Map<String, Object> lastGood = new HashMap<>(); // "Kind ns/name" -> state
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-k8s-resources"));
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final HttpRouteStatusWriter statusWriter;
  private final GatewayStatusWriter gatewayStatusWriter;
  private final GatewayClassStatusWriter gatewayClassStatusWriter;
  private final KubernetesClient client;
  private volatile boolean started;
  private volatile SharedIndexInformer<Service> services;
  private volatile SharedIndexInformer<EndpointSlice> slices;
  private volatile SharedIndexInformer<Gateway> gateways;
  private volatile SharedIndexInformer<GatewayClass> gatewayClasses;
  private volatile SharedIndexInformer<HTTPRoute> routes;
  private volatile SharedIndexInformer<Secret> secrets;
  private volatile SharedIndexInformer<TrafficPolicy> trafficPolicies;
  private volatile SharedIndexInformer<AuthPolicy> authPolicies;
  private volatile SharedIndexInformer<RateLimitPolicy> rateLimitPolicies;
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
    this.statusWriter = new HttpRouteStatusWriter(client);
    this.gatewayStatusWriter = new GatewayStatusWriter(client);
    this.gatewayClassStatusWriter = new GatewayClassStatusWriter(client);
    this.client = client;
    try {
      services = inform(client, Service.class);
      slices = inform(client, EndpointSlice.class);
      if (options.gatewayApi()) {
        gateways = inform(client, Gateway.class);
        routes = inform(client, HTTPRoute.class);
        // The API server filters by type; fabric8's mock server does not, so read() checks again.
        secrets =
            inform(
                client,
                Secret.class,
                scope -> scope.withField("type", TlsSecretConverter.TLS_TYPE));
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
      if (options.trafficPolicies()) {
        trafficPolicies = inform(client, TrafficPolicy.class);
      }
      if (options.filterPolicies()) {
        authPolicies = inform(client, AuthPolicy.class);
        rateLimitPolicies = inform(client, RateLimitPolicy.class);
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

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      KubernetesClient client, Class<T> type) {
    return inform(client, type, UnaryOperator.identity());
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      KubernetesClient client,
      Class<T> type,
      UnaryOperator<FilterWatchListDeletable<T, KubernetesResourceList<T>, Resource<T>>> narrow) {
    var resources = client.resources(type);
    FilterWatchListDeletable<T, KubernetesResourceList<T>, Resource<T>> scope =
        options.namespace().isPresent()
            ? resources.inNamespace(options.namespace().get())
            : resources.inAnyNamespace();
    SharedIndexInformer<T> informer = narrow.apply(scope).inform(rescheduling(), 0);
    informers.add(informer);
    return informer;
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
    Map<String, String> seen = new HashMap<>();
    Map<String, List<ResourceError>> invalid = new HashMap<>();
    List<ServiceState> serviceStates =
        convertAll(
            "Service",
            services.getStore().list(),
            ServiceConverter::convert,
            s ->
                "applied: ports "
                    + s.ports().stream()
                        .map(p -> (p.name().isEmpty() ? "" : p.name() + "=") + p.port())
                        .toList(),
            false,
            seen,
            errors,
            invalid);
    List<EndpointState> endpoints =
        convertAll(
            "EndpointSlice",
            slices.getStore().list(),
            EndpointSliceConverter::convert,
            s ->
                "applied: "
                    + s.endpoints().stream().filter(e -> e.ready()).count()
                    + " of "
                    + s.endpoints().size()
                    + " endpoints ready for Service "
                    + s.serviceKey(),
            false,
            seen,
            errors,
            invalid);
    List<GatewayState> gatewayStates = List.of();
    List<Gateway> gatewayObjects = List.of();
    List<HttpRouteState> routeStates = List.of();
    List<HTTPRoute> routeObjects = List.of();
    List<TlsSecret> secretStates = List.of();
    Set<String> foreignGateways = Set.of();
    if (options.gatewayApi()) {
      Map<Boolean, List<Gateway>> byClass =
          gateways.getStore().list().stream()
              .collect(
                  Collectors.partitioningBy(g -> GatewayConverter.ours(g, options.gatewayClass())));
      gatewayObjects = List.copyOf(byClass.get(true));
      foreignGateways =
          byClass.get(false).stream()
              .map(KubernetesResources::key)
              .collect(Collectors.toUnmodifiableSet());
      gatewayStates =
          convertAll(
              "Gateway",
              gatewayObjects,
              // lastGood still holds the previous version here: convertAll replaces it afterwards.
              (gateway, problems) ->
                  GatewayConverter.convert(gateway, problems)
                      .map(
                          now ->
                              GatewayConverter.keepServing(
                                  now,
                                  (GatewayState) lastGood.get("Gateway " + key(gateway)),
                                  problems)),
              g ->
                  "applied: listeners "
                      + g.listeners().stream()
                          .map(l -> l.name() + "=" + l.protocol() + ":" + l.port())
                          .toList(),
              true,
              seen,
              errors,
              invalid);
      gatewayStates = GatewayPorts.claim(gatewayStates, errors);
      routeObjects = routes.getStore().list();
      routeStates =
          convertAll(
              "HTTPRoute",
              routeObjects,
              HttpRouteConverter::convert,
              r -> "applied: " + r.rules().size() + " rules, parents " + r.parents(),
              true,
              seen,
              errors,
              invalid);
      Set<String> named =
          gatewayStates.stream()
              .flatMap(g -> g.listeners().stream())
              .flatMap(l -> l.certificateSecrets().stream())
              .collect(Collectors.toSet());
      // A bad edit of a certificate keeps the last valid one served, as for routes: a rotation
      // gone wrong must not take the listener down.
      secretStates =
          convertAll(
              "Secret",
              secrets.getStore().list().stream()
                  .filter(TlsSecretConverter::isTls)
                  .filter(secret -> named.contains(key(secret)))
                  .toList(),
              TlsSecretConverter::convert,
              secret -> "applied: certificate and private key for HTTPS listeners",
              true,
              seen,
              errors,
              invalid);
    }
    List<TrafficPolicyState> policyStates = List.of();
    List<TrafficPolicy> policyObjects = List.of();
    if (options.trafficPolicies()) {
      policyObjects = trafficPolicies.getStore().list();
      policyStates =
          convertAll(
              "TrafficPolicy",
              policyObjects,
              TrafficPolicyConverter::convert,
              p -> "applied: " + p.targets().size() + " targets",
              true,
              seen,
              errors,
              invalid);
    }
    List<PolicyAttachment> attachments = new ArrayList<>();
    List<AuthPolicy> authObjects = List.of();
    List<RateLimitPolicy> limitObjects = List.of();
    if (options.filterPolicies()) {
      authObjects = authPolicies.getStore().list();
      limitObjects = rateLimitPolicies.getStore().list();
      attachments.addAll(
          convertAll(
              "AuthPolicy",
              authObjects,
              PolicyAttachmentConverter::auth,
              a -> "targets resolved by the control plane: " + a.targets().size(),
              true,
              seen,
              errors,
              invalid));
      attachments.addAll(
          convertAll(
              "RateLimitPolicy",
              limitObjects,
              PolicyAttachmentConverter::rateLimit,
              a ->
                  "targets resolved by the control plane: "
                      + a.targets().size()
                      + ", "
                      + a.rateLimits().map(l -> l.descriptors().size()).orElse(0)
                      + " limited descriptors",
              true,
              seen,
              errors,
              invalid));
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
    lastGood.keySet().retainAll(seen.keySet());
    ClusterState state =
        new ClusterState(
            serviceStates,
            endpoints,
            gatewayStates,
            routeStates,
            policyStates,
            attachments,
            secretStates);
    RouteAttachments routeAttachments = new RouteResolver().resolve(state);
    List<RouteStatus> statuses = routeAttachments.statuses();
    List<GatewayTls.Problem> certificateProblems = GatewayTls.resolve(state).problems();
    errors.addAll(RouteProblems.of(statuses));
    errors.addAll(ListenerProblems.of(certificateProblems));
    List<TrafficPolicies.Verdict> verdicts = TrafficPolicies.resolve(state).verdicts();
    List<TrafficPolicies.Verdict> attachmentVerdicts = FilterAttachments.resolve(state).verdicts();
    Map<String, String> kinds = new HashMap<>();
    attachments.forEach(a -> kinds.put(a.key(), a.kind().displayName()));
    for (TrafficPolicies.Verdict verdict : verdicts) {
      reportVerdict("TrafficPolicy", verdict, errors);
    }
    for (TrafficPolicies.Verdict verdict : attachmentVerdicts) {
      reportVerdict(kinds.get(verdict.policyKey()), verdict, errors);
    }
    for (ResourceError error : errors) {
      log.error("invalid resource, left out: {}", error);
    }
    lastErrors.set(List.copyOf(errors));
    if (leader != null && leader.isLeader()) {
      if (gatewayClasses != null) {
        // The mock API server ignores field selectors; the API server does not.
        gatewayClasses.getStore().list().stream()
            .filter(c -> options.gatewayClass().equals(c.getMetadata().getName()))
            .forEach(gatewayClassStatusWriter::write);
      }
      writeGatewayStatuses(
          gatewayObjects, GatewayReports.of(state, routeAttachments, certificateProblems), invalid);
      writeRouteStatuses(routeObjects, statuses, invalid, foreignGateways);
      writePolicyStatuses(policyObjects, verdicts, invalid);
      writeTargetStatuses(AuthPolicy.class, "AuthPolicy", authObjects, attachmentVerdicts, invalid);
      writeTargetStatuses(
          RateLimitPolicy.class, "RateLimitPolicy", limitObjects, attachmentVerdicts, invalid);
    }
    log.info(
        "resources: {} services, {} endpoint slices, {} gateways, {} HTTPRoutes, {} TLS Secrets"
            + " from the Kubernetes API ({} problems)",
        serviceStates.size(),
        endpoints.size(),
        gatewayStates.size(),
        routeStates.size(),
        secretStates.size(),
        errors.size());
    return state;
  }

  private void writeGatewayStatuses(
      List<Gateway> gatewayObjects,
      List<GatewayReport> reports,
      Map<String, List<ResourceError>> invalid) {
    for (Gateway gateway : gatewayObjects) {
      String key = key(gateway);
      List<ResourceError> problems = invalid.get("Gateway " + key);
      gatewayStatusWriter.write(
          gateway,
          reports.stream().filter(r -> r.gatewayKey().equals(key)).findFirst(),
          problems == null ? Optional.empty() : Optional.of(ConfigAudit.describe(problems)));
    }
  }

  private void writeRouteStatuses(
      List<HTTPRoute> routeObjects,
      List<RouteStatus> statuses,
      Map<String, List<ResourceError>> invalid,
      Set<String> foreignGateways) {
    for (HTTPRoute route : routeObjects) {
      String key = key(route);
      List<ResourceError> problems = invalid.get("HTTPRoute " + key);
      Optional<String> why =
          problems == null ? Optional.empty() : Optional.of(ConfigAudit.describe(problems));
      statusWriter.write(
          route,
          statuses.stream().filter(s -> s.routeKey().equals(key)).toList(),
          why,
          foreignGateways);
    }
  }

  private static void reportVerdict(
      String kind, TrafficPolicies.Verdict verdict, List<ResourceError> errors) {
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
   * ext-authz and ratelimit-service own the {@code Accepted} condition of their policies; the
   * control plane reports whether the targets resolved, as {@code ResolvedRefs}.
   */
  private <T extends CustomResource<?, PolicyStatus>> void writeTargetStatuses(
      Class<T> type,
      String kind,
      List<T> policies,
      List<TrafficPolicies.Verdict> verdicts,
      Map<String, List<ResourceError>> invalid) {
    for (T policy : policies) {
      String key = key(policy);
      long generation =
          policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
      List<ResourceError> problems = invalid.get(kind + " " + key);
      AcceptedStatus.Verdict verdict =
          problems != null
              ? new AcceptedStatus.Verdict(
                  false, "Invalid", ConfigAudit.describe(problems), generation)
              : verdicts.stream()
                  .filter(v -> v.policyKey().equals(key))
                  .findFirst()
                  .map(
                      v ->
                          new AcceptedStatus.Verdict(
                              v.accepted(),
                              v.accepted() ? "ResolvedRefs" : v.reason(),
                              v.message(),
                              generation))
                  .orElse(null);
      if (verdict != null) {
        AcceptedStatus.write(client, type, policy, Conditions.RESOLVED_REFS, verdict);
      }
    }
  }

  private void writePolicyStatuses(
      List<TrafficPolicy> policies,
      List<TrafficPolicies.Verdict> verdicts,
      Map<String, List<ResourceError>> invalid) {
    for (TrafficPolicy policy : policies) {
      String key = key(policy);
      long generation =
          policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
      List<ResourceError> problems = invalid.get("TrafficPolicy " + key);
      AcceptedStatus.Verdict verdict =
          problems != null
              ? new AcceptedStatus.Verdict(
                  false, "Invalid", ConfigAudit.describe(problems), generation)
              : verdicts.stream()
                  .filter(v -> v.policyKey().equals(key))
                  .findFirst()
                  .map(
                      v ->
                          new AcceptedStatus.Verdict(
                              v.accepted(), v.reason(), v.message(), generation))
                  .orElse(null);
      if (verdict != null) {
        AcceptedStatus.write(client, TrafficPolicy.class, policy, verdict);
      }
    }
  }

  /**
   * Converts every object of one kind, reporting and auditing each.
   *
   * @param keepLastGood whether an invalid object that was valid before keeps its last valid state
   */
  @SuppressWarnings("unchecked")
  private <T extends HasMetadata, S> List<S> convertAll(
      String kind,
      List<T> objects,
      BiFunction<T, DocumentErrors, Optional<S>> converter,
      Function<S, String> describe,
      boolean keepLastGood,
      Map<String, String> seen,
      List<ResourceError> errors,
      Map<String, List<ResourceError>> invalid) {
    List<S> states = new ArrayList<>();
    for (T object : sorted(objects)) {
      String id = kind + " " + key(object);
      List<ResourceError> own = DocumentErrors.list();
      Optional<S> state = converter.apply(object, DocumentErrors.forObject(kind, key(object), own));
      if (state.isPresent()) {
        states.add(state.get());
        if (keepLastGood) {
          lastGood.put(id, state.get());
        }
      } else if (own.isEmpty()) {
        continue; // nothing here for the control plane (e.g. a policy without targets)
      } else {
        invalid.put(id, own);
        Object previous = keepLastGood ? lastGood.get(id) : null;
        if (previous != null) {
          states.add((S) previous);
          own.add(
              new ResourceError(
                  kind + " " + key(object), 0, "", "the last valid version is still served"));
        }
      }
      errors.addAll(own);
      audit(object, kind, seen, own, state.map(describe));
    }
    return states;
  }

  /** Audits {@code resource} unless this resource version of it was audited already. */
  private void audit(
      HasMetadata resource,
      String kind,
      Map<String, String> seen,
      List<ResourceError> errors,
      Optional<String> applied) {
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
    if (leader != null) {
      leader.close();
    }
    informers.forEach(SharedIndexInformer::close);
    executor.shutdownNow();
  }
}
