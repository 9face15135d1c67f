package io.attache.ratelimit.source;

import io.attache.crds.AcceptedStatus;
import io.attache.crds.ResourceWatch;
import io.attache.crds.Verdict;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicySpec;
import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.ratelimit.config.PolicyMerger;
import io.attache.ratelimit.config.RateLimitConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RateLimitPolicy} resources as a second configuration source. An informer keeps them in
 * memory; any change (debounced) recomputes the merge from all of them, level-based: the result
 * depends only on the resources now, never on the order events arrived in. Each policy's verdict is
 * written to its {@code status} ({@code Accepted} condition, {@code observedGeneration}) only when
 * it differs, so replicas computing the same verdict do not fight, and reported as an {@code
 * audit.config} event when it changes.
 */
public final class PolicySource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

  private final KubernetesClient client;
  private final Optional<String> namespace;
  private final EventSink events;
  private final Supplier<Set<String>> fileDomains;
  private final Consumer<RateLimitConfig> onConfig;
  private final PolicyMerger merger = new PolicyMerger();
  private final Map<String, Verdict> reported = new ConcurrentHashMap<>();
  private ResourceWatch<RateLimitPolicy> watch;

  public PolicySource(
      KubernetesClient client,
      Optional<String> namespace,
      EventSink events,
      Supplier<Set<String>> fileDomains,
      Consumer<RateLimitConfig> onConfig) {
    this.client = client;
    this.namespace = namespace;
    this.events = events;
    this.fileDomains = fileDomains;
    this.onConfig = onConfig;
  }

  /** Starts watching; the first merge happens once the informer has listed what exists. */
  public PolicySource start() {
    watch =
        ResourceWatch.start(
            client, RateLimitPolicy.class, namespace, "ratelimit-policy-source", this::reconcile);
    return this;
  }

  /** Recomputes soon (e.g. a file now claims a policy's domain). */
  public void schedule() {
    if (watch != null) {
      watch.schedule();
    }
  }

  private void reconcile(List<RateLimitPolicy> resources) {
    try {
      // A policy with only spec.local is Envoy's own bucket, the control plane's alone: not a
      // domain of this service's (it would clash with a file's domain of the same name).
      resources = resources.stream().filter(r -> !localOnly(r.getSpec())).toList();
      List<PolicyMerger.Policy> policies = new ArrayList<>(resources.size());
      for (RateLimitPolicy resource : resources) {
        policies.add(
            new PolicyMerger.Policy(
                id(resource),
                Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(0L),
                resource.getSpec() == null ? "{}" : limitsOnly(resource.getSpec())));
      }
      PolicyMerger.Result result = merger.merge(policies, fileDomains.get());
      onConfig.accept(result.config());
      for (RateLimitPolicy resource : resources) {
        Verdict verdict = result.verdicts().get(id(resource));
        report(resource, verdict);
        AcceptedStatus.write(client, RateLimitPolicy.class, resource, verdict);
      }
      reported.keySet().retainAll(result.verdicts().keySet());
    } catch (RuntimeException e) {
      log.error("rate-limit policies could not be merged; the previous ones stay in force", e);
    }
  }

  static boolean localOnly(RateLimitPolicySpec spec) {
    return spec != null && spec.getLocal() != null && spec.getDescriptors().isEmpty();
  }

  /**
   * The part of a spec in the reference's file format; targetRefs and descriptorSources are for the
   * control plane, which builds Envoy's rate-limit actions from them.
   */
  private String limitsOnly(RateLimitPolicySpec spec) {
    return limitsOnly(client.getKubernetesSerialization(), spec);
  }

  /** As above, written with {@code json}: the fuzz target (RateLimitPolicyFuzzTest) reads so. */
  static String limitsOnly(KubernetesSerialization json, RateLimitPolicySpec spec) {
    Map<String, Object> limits = new LinkedHashMap<>();
    if (spec.getDomain() != null) {
      limits.put("domain", spec.getDomain());
    }
    if (!spec.getDescriptors().isEmpty()) {
      limits.put("descriptors", spec.getDescriptors());
    }
    return json.asJson(limits);
  }

  private void report(RateLimitPolicy resource, Verdict verdict) {
    if (verdict.equals(reported.put(id(resource), verdict))) {
      return;
    }
    if (verdict.accepted()) {
      log.info("RateLimitPolicy {} accepted: {}", id(resource), verdict.message());
    } else {
      log.warn(
          "RateLimitPolicy {} rejected ({}): {}",
          id(resource),
          verdict.reason(),
          verdict.message());
    }
    events.publish(
        new ConfigChange(
            "ratelimit-service",
            "RateLimitPolicy",
            Optional.ofNullable(resource.getMetadata().getNamespace()),
            resource.getMetadata().getName(),
            OptionalLong.of(verdict.generation()),
            verdict.accepted() ? ConfigChange.Outcome.APPLIED : ConfigChange.Outcome.REJECTED,
            verdict.message(),
            Optional.empty()));
  }

  private static String id(RateLimitPolicy resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
