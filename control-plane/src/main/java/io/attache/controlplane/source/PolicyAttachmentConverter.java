package io.attache.controlplane.source;

import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.PolicyAttachment.Action;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitDescriptor;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicySpec;
import io.attache.crds.v1alpha1.TargetRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the control plane needs from AuthPolicies and RateLimitPolicies: their targets and,
 * for rate limits, the Envoy actions of every descriptor that carries a limit. A policy without
 * targets gives nothing (ext-authz and ratelimit-service still serve it to whoever asks).
 */
final class PolicyAttachmentConverter {
  private static final String REMOTE_ADDRESS = "remote_address";
  private static final String GENERIC_KEY = "generic_key";

  private PolicyAttachmentConverter() {}

  static Optional<PolicyAttachment> auth(AuthPolicy policy, DocumentErrors errors) {
    if (policy.getSpec() == null || policy.getSpec().targets().isEmpty()) {
      return Optional.empty();
    }
    return attachment(
        PolicyAttachment.Kind.AUTH, policy, policy.getSpec().targets(), Optional.empty(), errors);
  }

  static Optional<PolicyAttachment> rateLimit(RateLimitPolicy policy, DocumentErrors errors) {
    RateLimitPolicySpec spec = policy.getSpec();
    if (spec == null) {
      return Optional.empty();
    }
    boolean valid = true;
    if (spec.getDomain() == null || spec.getDomain().isBlank()) {
      errors.add("spec.domain", "required");
      return Optional.empty();
    }
    String strategy = spec.getMergeStrategy() == null ? "AtomicDefaults" : spec.getMergeStrategy();
    if (!strategy.equals("AtomicDefaults") && !strategy.equals("AtomicOverrides")) {
      errors.add("spec.mergeStrategy", "AtomicDefaults or AtomicOverrides (GEP-713)");
      valid = false;
    }
    boolean overrides = strategy.equals("AtomicOverrides");
    Optional<com.google.protobuf.Message> config =
        RateLimitConfigs.build(
                Metadata.namespace(policy) + "/" + policy.getMetadata().getName(), spec, errors)
            .map(com.google.protobuf.Message.class::cast);
    valid &= config.isPresent();
    if (spec.getTargetRefs().isEmpty()) {
      // Nothing for Envoy to do: the limits are only served to rate-limit services.
      return valid
          ? attachment(
              PolicyAttachment.Kind.RATE_LIMIT,
              policy,
              List.of(),
              Optional.of(
                  new PolicyAttachment.RateLimits(
                      spec.getDomain(), List.of(), Optional.empty(), config, overrides)),
              errors)
          : Optional.empty();
    }
    Map<String, RateLimitPolicySpec.DescriptorSource> sources = spec.getDescriptorSources();
    for (var source : sources.entrySet()) {
      String path = "spec.descriptorSources." + source.getKey();
      var value = source.getValue();
      boolean header =
          value != null && value.requestHeader() != null && !value.requestHeader().isBlank();
      boolean metadata = value != null && value.metadata() != null;
      if (header == metadata) {
        errors.add(path, "exactly one of requestHeader or metadata is required");
        valid = false;
      } else if (metadata
          && (value.metadata().filter() == null
              || value.metadata().filter().isBlank()
              || value.metadata().path() == null
              || value.metadata().path().isEmpty())) {
        errors.add(path + ".metadata", "filter and a non-empty path are required");
        valid = false;
      }
    }
    List<List<Action>> limited = new ArrayList<>();
    if (valid) {
      valid =
          descriptors(
              spec.getDescriptors(), "spec.descriptors", List.of(), sources, limited, errors);
    }
    Optional<PolicyAttachment.Local> local = Optional.empty();
    if (spec.getLocal() != null) {
      local = LocalLimits.convert(spec.getLocal(), "spec.local", errors);
      valid &= local.isPresent();
    }
    if (!valid) {
      attachment(
          PolicyAttachment.Kind.RATE_LIMIT, policy, spec.getTargetRefs(), Optional.empty(), errors);
      return Optional.empty();
    }
    return attachment(
        PolicyAttachment.Kind.RATE_LIMIT,
        policy,
        spec.getTargetRefs(),
        Optional.of(
            new PolicyAttachment.RateLimits(spec.getDomain(), limited, local, config, overrides)),
        errors);
  }

  /**
   * Walks the descriptor tree; each entry with a {@code rate_limit} becomes the list of actions
   * from the root to it, as Envoy must send that many entries for the limit to apply.
   */
  private static boolean descriptors(
      List<RateLimitDescriptor> descriptors,
      String path,
      List<Action> above,
      Map<String, RateLimitPolicySpec.DescriptorSource> sources,
      List<List<Action>> limited,
      DocumentErrors errors) {
    boolean valid = true;
    for (int i = 0; i < descriptors.size(); i++) {
      RateLimitDescriptor descriptor = descriptors.get(i);
      String at = path + "[" + i + "]";
      Optional<Action> action = action(descriptor, at, sources, errors);
      if (action.isEmpty()) {
        valid = false;
        continue;
      }
      List<Action> actions = new ArrayList<>(above);
      actions.add(action.get());
      if (descriptor.getRateLimit() != null) {
        limited.add(actions);
      }
      valid &=
          descriptors(
              descriptor.getDescriptors(), at + ".descriptors", actions, sources, limited, errors);
    }
    return valid;
  }

  private static Optional<Action> action(
      RateLimitDescriptor descriptor,
      String path,
      Map<String, RateLimitPolicySpec.DescriptorSource> sources,
      DocumentErrors errors) {
    String key = descriptor.getKey();
    if (key == null || key.isBlank()) {
      errors.add(path + ".key", "required");
      return Optional.empty();
    }
    var source = sources.get(key);
    if (source != null && source.requestHeader() != null) {
      return Optional.of(
          new PolicyAttachment.RequestHeader(
              source.requestHeader().toLowerCase(java.util.Locale.ROOT), key));
    }
    if (source != null) {
      return Optional.of(
          new PolicyAttachment.DynamicMetadata(
              source.metadata().filter(), source.metadata().path(), key));
    }
    if (key.equals(REMOTE_ADDRESS)) {
      return Optional.of(new PolicyAttachment.RemoteAddress());
    }
    if (descriptor.getValue() != null && !descriptor.getValue().contains("*")) {
      // A fixed value: Envoy sends it as is, so the limit applies to every request of the route.
      return Optional.of(new PolicyAttachment.GenericKey(key, descriptor.getValue()));
    }
    errors.add(
        path + ".key",
        "'"
            + key
            + "' has no value source: add spec.descriptorSources."
            + key
            + " (requestHeader or metadata), give the entry a fixed value, or use remote_address");
    return Optional.empty();
  }

  private static Optional<PolicyAttachment> attachment(
      PolicyAttachment.Kind kind,
      HasMetadata policy,
      List<TargetRef> refs,
      Optional<PolicyAttachment.RateLimits> limits,
      DocumentErrors errors) {
    String name = Metadata.name(policy, errors);
    boolean valid = name != null;
    List<PolicyAttachment.Target> targets = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      TargetRef ref = refs.get(i);
      String path = "spec.targetRefs[" + i + "]";
      PolicyAttachment.TargetKind targetKind = null;
      if (HttpRouteConverter.GATEWAY_GROUP.equals(ref.group()) && "HTTPRoute".equals(ref.kind())) {
        targetKind = PolicyAttachment.TargetKind.HTTP_ROUTE;
      } else if (HttpRouteConverter.GATEWAY_GROUP.equals(ref.group())
          && "Gateway".equals(ref.kind())) {
        targetKind = PolicyAttachment.TargetKind.GATEWAY;
      } else if (TargetRef.namesMapping(ref)) {
        targetKind = PolicyAttachment.TargetKind.MAPPING;
      } else {
        errors.add(
            path + ".kind",
            "must be an HTTPRoute or a Gateway of group "
                + HttpRouteConverter.GATEWAY_GROUP
                + ", or a Mapping of group getambassador.io, was "
                + ref.kind()
                + " in group '"
                + ref.group()
                + "'");
        valid = false;
        continue;
      }
      if (ref.name() == null || ref.name().isBlank()) {
        errors.add(path + ".name", "required");
        valid = false;
        continue;
      }
      targets.add(new PolicyAttachment.Target(targetKind, ref.name()));
    }
    if (!valid || (kind == PolicyAttachment.Kind.RATE_LIMIT && limits.isEmpty())) {
      return Optional.empty();
    }
    long generation = Metadata.generation(policy);
    return Optional.of(
        new PolicyAttachment(
            kind,
            Metadata.namespace(policy),
            name,
            generation,
            HttpRouteConverter.created(policy),
            targets,
            limits));
  }
}
