package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.EndpointState;
import io.attache.controlplane.model.GatewayState;
import io.attache.controlplane.model.HttpRouteState;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServiceState;
import io.attache.controlplane.model.TlsSecret;
import io.attache.controlplane.model.TrafficPolicyState;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.runtime.WatchedDirectory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;

/**
 * Reads Kubernetes YAML files (many documents per file) into one {@link ClusterState}: v1 Services,
 * discovery.k8s.io/v1 EndpointSlices, and gateway.networking.k8s.io/v1 Gateways (of our
 * GatewayClass; others belong to another controller) and HTTPRoutes, and attache.io/v1alpha1
 * TrafficPolicies, the targets of AuthPolicies and RateLimitPolicies, and v1 Secrets of type {@code
 * kubernetes.io/tls} (for HTTPS listeners); other kinds and Secret types are ignored. Uses
 * fabric8's serialization. All errors of all files are collected; one error makes the whole read
 * {@link ParseResult.Invalid}.
 */
public final class ResourceParser {
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final String gatewayClass;

  /** A parser for Gateways of class {@link GatewayConverter#DEFAULT_CLASS}. */
  public ResourceParser() {
    this(GatewayConverter.DEFAULT_CLASS);
  }

  public ResourceParser(String gatewayClass) {
    this.gatewayClass = gatewayClass;
    serialization.registerKubernetesResource(TrafficPolicy.class);
    serialization.registerKubernetesResource(AuthPolicy.class);
    serialization.registerKubernetesResource(RateLimitPolicy.class);
  }

  public ParseResult parse(List<WatchedDirectory.File> files) {
    List<ResourceError> errors = DocumentErrors.list();
    List<ServiceState> services = new ArrayList<>();
    List<EndpointState> endpoints = new ArrayList<>();
    List<GatewayState> gateways = new ArrayList<>();
    List<HttpRouteState> routes = new ArrayList<>();
    List<TrafficPolicyState> policies = new ArrayList<>();
    List<PolicyAttachment> attachments = new ArrayList<>();
    List<TlsSecret> secrets = new ArrayList<>();
    Set<ServiceKey> seen = new HashSet<>();
    Set<String> seenObjects = new HashSet<>();
    for (WatchedDirectory.File file : files) {
      String[] documents = DOCUMENT_SEPARATOR.split(file.content());
      for (int i = 0; i < documents.length; i++) {
        if (documents[i].lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
          continue;
        }
        DocumentErrors documentErrors = new DocumentErrors(file.name(), i + 1, errors);
        Object resource = read(documents[i], documentErrors);
        if (resource instanceof Service service) {
          ServiceConverter.convert(service, documentErrors)
              .ifPresent(
                  s -> {
                    if (seen.add(s.key())) {
                      services.add(s);
                    } else {
                      documentErrors.add(
                          "metadata.name", "Service " + s.key() + " is defined twice");
                    }
                  });
        } else if (resource instanceof EndpointSlice slice) {
          EndpointSliceConverter.convert(slice, documentErrors).ifPresent(endpoints::add);
        } else if (resource instanceof Gateway gateway
            && GatewayConverter.ours(gateway, gatewayClass)) {
          GatewayConverter.convert(gateway, documentErrors)
              .filter(g -> unique("Gateway " + g.key(), seenObjects, documentErrors))
              .ifPresent(gateways::add);
        } else if (resource instanceof HTTPRoute route) {
          HttpRouteConverter.convert(route, documentErrors)
              .filter(r -> unique("HTTPRoute " + r.key(), seenObjects, documentErrors))
              .ifPresent(routes::add);
        } else if (resource instanceof TrafficPolicy policy) {
          TrafficPolicyConverter.convert(policy, documentErrors)
              .filter(p -> unique("TrafficPolicy " + p.key(), seenObjects, documentErrors))
              .ifPresent(policies::add);
        } else if (resource instanceof AuthPolicy policy) {
          PolicyAttachmentConverter.auth(policy, documentErrors).ifPresent(attachments::add);
        } else if (resource instanceof RateLimitPolicy policy) {
          PolicyAttachmentConverter.rateLimit(policy, documentErrors).ifPresent(attachments::add);
        } else if (resource instanceof Secret secret && TlsSecretConverter.isTls(secret)) {
          TlsSecretConverter.convert(secret, documentErrors)
              .filter(t -> unique("Secret " + t.key(), seenObjects, documentErrors))
              .ifPresent(secrets::add);
        }
      }
    }
    List<GatewayState> served = GatewayPorts.claim(gateways, errors);
    return errors.isEmpty()
        ? new ParseResult.Parsed(
            new ClusterState(services, endpoints, served, routes, policies, attachments, secrets))
        : new ParseResult.Invalid(errors);
  }

  /**
   * Each non-blank document of a file on its own, as text that {@link #parse} reads as that
   * document alone while still numbering it as in the file (empty documents before it), so errors
   * name the same document number either way.
   */
  static List<String> documentsAlone(String content) {
    String[] documents = DOCUMENT_SEPARATOR.split(content);
    List<String> alone = new ArrayList<>();
    for (int i = 0; i < documents.length; i++) {
      if (documents[i].lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        alone.add(null);
      } else {
        alone.add("---\n".repeat(i) + documents[i]);
      }
    }
    return alone;
  }

  private static boolean unique(String object, Set<String> seen, DocumentErrors errors) {
    if (seen.add(object)) {
      return true;
    }
    errors.add("metadata.name", object + " is defined twice");
    return false;
  }

  private Object read(String document, DocumentErrors errors) {
    try {
      Object resource = serialization.unmarshal(document);
      if (resource == null) {
        errors.add("", "not a Kubernetes object");
      }
      return resource;
    } catch (RuntimeException e) {
      Optional<JacksonException> jackson = jacksonCause(e);
      if (jackson.isPresent()) {
        errors.add(path(jackson.get()), firstLine(jackson.get().getOriginalMessage()));
      } else {
        errors.add("", firstLine(e.getMessage()));
      }
      return null;
    }
  }

  /** fabric8 wraps Jackson's exceptions; the innermost one knows the field path. */
  private static Optional<JacksonException> jacksonCause(Throwable e) {
    JacksonException found = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JacksonException jackson) {
        found = jackson;
      }
    }
    return Optional.ofNullable(found);
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
