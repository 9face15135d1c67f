package io.attache.controlplane.source;

import io.attache.controlplane.emissary.Checked;
import io.attache.controlplane.emissary.EmissaryHost;
import io.attache.controlplane.emissary.EmissaryListener;
import io.attache.controlplane.emissary.EmissaryMapping;
import io.attache.controlplane.emissary.EmissaryObjects;
import io.attache.controlplane.emissary.EmissaryTlsContext;
import io.attache.controlplane.emissary.GatewayApiMigration;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.crds.v1alpha1.TargetRef;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Emissary's Mappings and Hosts: each is checked on its own as it is read (a field the
 * control plane cannot serve is an error naming it, and the object keeps its last good version),
 * then, once all are in, they become the Gateway, HTTPRoutes and ReferenceGrants {@code attache
 * translate --from emissary} prints, converted by the same converters as their API counterparts. So
 * what is served equals what the migration writes, translated.
 */
final class EmissaryServing {
  private static final Logger log = LoggerFactory.getLogger(EmissaryServing.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Routes from Mappings are named so, beside any HTTPRoute of the Mapping's own name. */
  static final String ROUTE_PREFIX = TargetRef.MAPPING_ROUTE_PREFIX;

  private EmissaryServing() {}

  static Optional<EmissaryMapping> mapping(
      EmissaryResources.Mapping object, DocumentErrors errors) {
    return checked(
        EmissaryObjects.servedMapping(
            namespace(object), name(object), labels(object), spec(object)),
        errors);
  }

  static Optional<EmissaryHost> host(EmissaryResources.Host object, DocumentErrors errors) {
    return checked(
        EmissaryObjects.servedHost(namespace(object), name(object), labels(object), spec(object)),
        errors);
  }

  static Optional<EmissaryListener> listener(
      EmissaryResources.Listener object, DocumentErrors errors) {
    return checked(
        EmissaryObjects.servedListener(namespace(object), name(object), spec(object)), errors);
  }

  static Optional<EmissaryTlsContext> tlsContext(
      EmissaryResources.TlsContext object, DocumentErrors errors) {
    return checked(
        EmissaryObjects.servedTlsContext(namespace(object), name(object), spec(object)), errors);
  }

  /** The Gateway API objects the Mappings and Hosts read so far stand for, into {@code state}. */
  static void settle(StateBuilder state, List<ResourceError> errors, String gatewayClass) {
    if (state.emissaryMappings.isEmpty() && state.emissaryHosts.isEmpty()) {
      return;
    }
    GatewayApiMigration.Result result =
        GatewayApiMigration.migrate(
            state.emissaryMappings,
            state.emissaryHosts,
            state.emissaryListeners,
            state.emissaryTlsContexts,
            gatewayClass);
    for (Map<String, Object> object : result.objects()) {
      add(object, state, errors);
    }
    for (String line : result.report()) {
      int colon = line.indexOf(": ");
      String[] subject = line.substring(0, colon).split(" ", 2);
      String reason = line.substring(colon + 2);
      if (reason.startsWith("note: ")) {
        log.debug("Emissary {}: {}", line.substring(0, colon), reason);
      } else {
        DocumentErrors.forObject(subject[0], subject[1], errors).add("", reason);
      }
    }
  }

  /**
   * {@code attachment} with each Mapping it targets replaced by the HTTPRoute that Mapping is
   * served as, {@code mapping-<name>}: a canary group of Mappings is served as its first Mapping's
   * route, so a policy names that one (another is reported as a target not found, never applied to
   * part of a route). Done as the state is built, so every kind's policies are in.
   */
  static PolicyAttachment retarget(PolicyAttachment attachment) {
    if (attachment.targets().stream()
        .noneMatch(t -> t.kind() == PolicyAttachment.TargetKind.MAPPING)) {
      return attachment;
    }
    List<PolicyAttachment.Target> targets =
        attachment.targets().stream()
            .map(
                t ->
                    t.kind() != PolicyAttachment.TargetKind.MAPPING
                        ? t
                        : new PolicyAttachment.Target(
                            PolicyAttachment.TargetKind.HTTP_ROUTE, ROUTE_PREFIX + t.name()))
            .toList();
    return new PolicyAttachment(
        attachment.kind(),
        attachment.namespace(),
        attachment.name(),
        attachment.generation(),
        attachment.created(),
        targets,
        attachment.rateLimits());
  }

  private static void add(
      Map<String, Object> object, StateBuilder state, List<ResourceError> errors) {
    String kind = String.valueOf(object.get("kind"));
    switch (kind) {
      case "Gateway" -> {
        Gateway gateway = SERIALIZATION.convertValue(object, Gateway.class);
        GatewayConverter.convert(gateway, forObject(gateway, "Host", errors))
            .ifPresent(state.gateways::add);
      }
      case "HTTPRoute" -> {
        HTTPRoute route = SERIALIZATION.convertValue(object, HTTPRoute.class);
        boolean fromMapping = !route.getMetadata().getName().startsWith("emissary-redirect-");
        if (fromMapping) {
          route.getMetadata().setName(ROUTE_PREFIX + route.getMetadata().getName());
        }
        HttpRouteConverter.convert(
                route, forObject(route, fromMapping ? "Mapping" : "Host", errors))
            .ifPresent(state.httpRoutes::add);
      }
      case "TrafficPolicy" -> {
        TrafficPolicy policy = SERIALIZATION.convertValue(object, TrafficPolicy.class);
        policy
            .getSpec()
            .targetRefs()
            .replaceAll(
                ref ->
                    "HTTPRoute".equals(ref.kind())
                        ? new TargetRef(ref.group(), ref.kind(), ROUTE_PREFIX + ref.name(), null)
                        : ref);
        TrafficPolicyConverter.convert(policy, forObject(policy, "Mapping", errors))
            .ifPresent(state.trafficPolicies::add);
      }
      case "ReferenceGrant" -> {
        ReferenceGrant grant = SERIALIZATION.convertValue(object, ReferenceGrant.class);
        ReferenceGrantConverter.convert(grant, forObject(grant, "Mapping", errors))
            .ifPresent(state.referenceGrants::add);
      }
      default -> throw new IllegalStateException("the migration wrote a " + kind);
    }
  }

  private static DocumentErrors forObject(
      HasMetadata object, String from, List<ResourceError> errors) {
    return DocumentErrors.forObject(
        from, object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(), errors);
  }

  private static <T> Optional<T> checked(Checked<T> checked, DocumentErrors errors) {
    for (String error : checked.errors()) {
      int colon = error.indexOf(": ");
      errors.add(error.substring(0, colon), error.substring(colon + 2));
    }
    return checked.value();
  }

  private static String namespace(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null || namespace.isEmpty() ? "default" : namespace;
  }

  private static Map<String, String> labels(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static Map<?, ?> spec(
      io.fabric8.kubernetes.client.CustomResource<EmissaryResources.Fields, ?> object) {
    return object.getSpec() == null ? Map.of() : object.getSpec();
  }
}
