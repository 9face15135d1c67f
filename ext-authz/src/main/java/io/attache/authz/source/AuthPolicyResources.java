package io.attache.authz.source;

import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyError;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.crds.AcceptedStatus;
import io.attache.crds.ResourceWatch;
import io.attache.crds.Verdict;
import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AuthPolicy} resources, each parsed by the same parser as files. A resource with errors is
 * left out, with {@code Accepted=False} (reason {@code Invalid}) and every field error in its
 * status; the others apply, tried in namespace/name order. Level-based and debounced, as the
 * rate-limit policies are.
 */
public final class AuthPolicyResources implements Supplier<List<AuthPolicy>>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuthPolicyResources.class);

  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final PolicyParser parser;
  private final EventSink events;
  private final AtomicReference<List<AuthPolicy>> current = new AtomicReference<>(List.of());
  private final Map<String, Verdict> reported = new ConcurrentHashMap<>();
  private ResourceWatch<io.attache.crds.v1alpha1.AuthPolicy> watch;

  public AuthPolicyResources(
      KubernetesClient client, Optional<String> namespace, PolicyParser parser, EventSink events) {
    this.client = client;
    this.namespace = namespace;
    this.parser = parser;
    this.events = events;
  }

  public AuthPolicyResources start() {
    watch =
        ResourceWatch.start(
            client,
            io.attache.crds.v1alpha1.AuthPolicy.class,
            namespace,
            "ext-authz-policy-resources",
            this::reconcile);
    return this;
  }

  @Override
  public List<AuthPolicy> get() {
    return current.get();
  }

  private void reconcile(List<io.attache.crds.v1alpha1.AuthPolicy> found) {
    try {
      List<io.attache.crds.v1alpha1.AuthPolicy> resources = new ArrayList<>(found);
      resources.sort(Comparator.comparing(AuthPolicyResources::id));
      List<AuthPolicy> accepted = new ArrayList<>();
      for (io.attache.crds.v1alpha1.AuthPolicy resource : resources) {
        long generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(0L);
        Verdict verdict;
        try {
          accepted.addAll(parser.parse("AuthPolicy " + id(resource), document(resource)));
          verdict = new Verdict(true, "Accepted", "policy in force", generation);
        } catch (PolicyException e) {
          String message =
              e.errors().stream().map(PolicyError::toString).collect(Collectors.joining("; "));
          verdict = new Verdict(false, "Invalid", message, generation);
        }
        report(resource, verdict);
        AcceptedStatus.write(client, io.attache.crds.v1alpha1.AuthPolicy.class, resource, verdict);
      }
      current.set(List.copyOf(accepted));
      reported.keySet().retainAll(resources.stream().map(AuthPolicyResources::id).toList());
    } catch (RuntimeException e) {
      log.error("AuthPolicy resources could not be loaded; the previous ones stay in force", e);
    }
  }

  private String document(io.attache.crds.v1alpha1.AuthPolicy resource) {
    return document(client.getKubernetesSerialization(), resource);
  }

  /** The resource as the file format writes it: metadata and spec. */
  static String document(
      KubernetesSerialization json, io.attache.crds.v1alpha1.AuthPolicy resource) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put(
        "metadata",
        Map.of(
            "name",
            resource.getMetadata().getName(),
            "namespace",
            resource.getMetadata().getNamespace()));
    document.put("spec", resource.getSpec() == null ? Map.of() : resource.getSpec());
    return json.asJson(document);
  }

  private void report(io.attache.crds.v1alpha1.AuthPolicy resource, Verdict verdict) {
    if (verdict.equals(reported.put(id(resource), verdict))) {
      return;
    }
    if (verdict.accepted()) {
      log.info("AuthPolicy {} accepted", id(resource));
    } else {
      log.warn("AuthPolicy {} rejected: {}", id(resource), verdict.message());
    }
    events.publish(
        new ConfigChange(
            "ext-authz",
            "AuthPolicy",
            Optional.ofNullable(resource.getMetadata().getNamespace()),
            resource.getMetadata().getName(),
            OptionalLong.of(verdict.generation()),
            verdict.accepted() ? ConfigChange.Outcome.APPLIED : ConfigChange.Outcome.REJECTED,
            verdict.message(),
            Optional.empty()));
  }

  private static String id(io.attache.crds.v1alpha1.AuthPolicy resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
