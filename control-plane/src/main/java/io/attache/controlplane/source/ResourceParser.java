package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.runtime.WatchedDirectory;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * TrafficPolicies, the targets of AuthPolicies and RateLimitPolicies, gateway.networking.k8s.io
 * ReferenceGrants (v1beta1 or v1), and v1 Secrets of type {@code kubernetes.io/tls} (for HTTPS
 * listeners), and Emissary's getambassador.io/v3alpha1 (or v2) Mappings and Hosts; other kinds and
 * Secret types are ignored. Uses fabric8's serialization. All errors of all files are collected;
 * one error makes the whole read {@link ParseResult.Invalid}.
 */
public final class ResourceParser {
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final List<ResourceKind<?, ?>> kinds;

  /** A parser for Gateways of class {@link GatewayConverter#DEFAULT_CLASS}. */
  public ResourceParser() {
    this(GatewayConverter.DEFAULT_CLASS);
  }

  public ResourceParser(String gatewayClass) {
    this.kinds = ResourceKinds.all(gatewayClass);
    serialization.registerKubernetesResource(TrafficPolicy.class);
    serialization.registerKubernetesResource(AuthPolicy.class);
    serialization.registerKubernetesResource(RateLimitPolicy.class);
    serialization.registerKubernetesResource(EmissaryResources.Mapping.class);
    serialization.registerKubernetesResource(EmissaryResources.MappingV2.class);
    serialization.registerKubernetesResource(EmissaryResources.Host.class);
    serialization.registerKubernetesResource(EmissaryResources.HostV2.class);
    serialization.registerKubernetesResource(EmissaryResources.Listener.class);
    serialization.registerKubernetesResource(EmissaryResources.TlsContext.class);
    serialization.registerKubernetesResource(EmissaryResources.TlsContextV2.class);
  }

  public ParseResult parse(List<WatchedDirectory.File> files) {
    List<ResourceError> errors = DocumentErrors.list();
    StateBuilder state = new StateBuilder();
    Set<ObjectKey> seen = new HashSet<>();
    for (WatchedDirectory.File file : files) {
      List<String> documents = documents(file.content());
      for (int i = 0; i < documents.size(); i++) {
        if (documents.get(i) == null) {
          continue;
        }
        DocumentErrors documentErrors = new DocumentErrors(file.name(), i + 1, errors);
        Object resource = read(documents.get(i), documentErrors);
        ResourceKinds.of(resource, kinds)
            .ifPresent(kind -> convert(kind, (HasMetadata) resource, documentErrors, seen, state));
      }
    }
    kinds.forEach(kind -> kind.settle().settle(state, errors, errors));
    ClusterState built = state.build();
    errors.addAll(BackendTlsProblems.of(built));
    return errors.isEmpty() ? new ParseResult.Parsed(built) : new ParseResult.Invalid(errors);
  }

  private static void convert(
      ResourceKind<?, ?> kind,
      HasMetadata object,
      DocumentErrors errors,
      Set<ObjectKey> seen,
      StateBuilder state) {
    kind.convert(object, errors, null)
        .filter(converted -> !kind.unique() || unique(kind.keyOf(object), seen, errors))
        .ifPresent(converted -> kind.addTo(state, converted));
  }

  /** The documents of a file, in order, each blank one (nothing but comments) as null. */
  static List<String> documents(String content) {
    List<String> documents = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(content)) {
      boolean blank = document.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"));
      documents.add(blank ? null : document);
    }
    return documents;
  }

  /** The kind of {@code resource} this parser reads it as; empty for one it does not read. */
  Optional<ResourceKind<?, ?>> kindOf(Object resource) {
    return ResourceKinds.of(resource, kinds);
  }

  /** The kind named {@code name}. */
  Optional<ResourceKind<?, ?>> kindNamed(String name) {
    return kinds.stream().filter(kind -> kind.name().equals(name)).findFirst();
  }

  List<ResourceKind<?, ?>> kinds() {
    return kinds;
  }

  private static boolean unique(ObjectKey object, Set<ObjectKey> seen, DocumentErrors errors) {
    if (seen.add(object)) {
      return true;
    }
    errors.add("metadata.name", object + " is defined twice");
    return false;
  }

  /** One document as a Kubernetes object; null, with the error reported, if it is not one. */
  Object read(String document, DocumentErrors errors) {
    try {
      Object resource = serialization.unmarshal(document);
      if (resource == null) {
        errors.add("", "not a Kubernetes object");
      }
      return resource instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant v1
          ? ReferenceGrantConverter.asV1beta1(v1)
          : resource;
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

  /** The first line that says something; a parser's message may be empty or start blank. */
  static String firstLine(String message) {
    return message == null
        ? "unreadable"
        : message.lines().filter(line -> !line.isBlank()).findFirst().orElse("unreadable");
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
