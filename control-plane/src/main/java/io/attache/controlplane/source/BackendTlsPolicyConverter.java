package io.attache.controlplane.source;

import io.attache.controlplane.model.BackendTlsState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Gateway API v1 {@code BackendTLSPolicy} as its CRD schema and CEL rules would
 * (apis/v1/backendtlspolicy_types.go) and turns it into a {@link BackendTlsState}. What Attaché
 * does not serve is an error naming the field: targets other than Services, well-known CAs other
 * than {@code System}, any {@code options}. A CA reference to a kind other than ConfigMap is kept
 * as the policy's problem ({@code InvalidKind}): the API asks that requests to its backends fail.
 */
final class BackendTlsPolicyConverter {
  /** The key of a CA ConfigMap that holds the PEM bundle. */
  static final String CA_KEY = "ca.crt";

  private static final Pattern HOSTNAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private BackendTlsPolicyConverter() {}

  static Optional<BackendTlsState> convert(BackendTLSPolicy policy, DocumentErrors errors) {
    String name = Metadata.name(policy, errors);
    var spec = policy.getSpec();
    if (spec == null) {
      errors.add("spec", "required");
      return Optional.empty();
    }
    int before = errors.size();
    List<BackendTlsState.Target> targets = targets(spec.getTargetRefs(), errors);
    var validation = spec.getValidation();
    List<BackendTlsState.CaRef> configMaps = new ArrayList<>();
    List<BackendTlsState.RefProblem> kinds = new ArrayList<>();
    boolean system = false;
    String hostname = "";
    List<BackendTlsState.SubjectAltName> sans = new ArrayList<>();
    if (validation == null) {
      errors.add("spec.validation", "required");
    } else {
      hostname = hostname(validation.getHostname(), errors);
      system = wellKnown(validation.getWellKnownCACertificates(), errors);
      var refs = HttpRouteConverter.orEmpty(validation.getCaCertificateRefs());
      for (int i = 0; i < refs.size(); i++) {
        var ref = refs.get(i);
        String path = "spec.validation.caCertificateRefs[" + i + "]";
        if (ref.getName() == null || ref.getName().isBlank()) {
          errors.add(path + ".name", "required");
        } else if (!"".equals(ref.getGroup() == null ? "" : ref.getGroup())
            || !"ConfigMap".equals(ref.getKind())) {
          // Not the schema's to refuse: the API asks for ResolvedRefs=False and failing requests.
          kinds.add(
              new BackendTlsState.RefProblem(
                  i,
                  BackendTlsState.INVALID_KIND,
                  "must be a ConfigMap (group \"\", kind ConfigMap), was "
                      + ref.getKind()
                      + " "
                      + ref.getName()));
        } else {
          configMaps.add(new BackendTlsState.CaRef(i, ref.getName()));
        }
      }
      String wellKnown = validation.getWellKnownCACertificates();
      if ((wellKnown != null && !wellKnown.isEmpty()) == !refs.isEmpty()) {
        errors.add(
            "spec.validation",
            "exactly one of caCertificateRefs or wellKnownCACertificates is required");
      }
      sans = subjectAltNames(validation.getSubjectAltNames(), errors);
    }
    Map<String, String> options = spec.getOptions();
    if (options != null && !options.isEmpty()) {
      errors.add(
          "spec.options", "Attaché knows no BackendTLSPolicy option, was " + options.keySet());
    }
    if (errors.size() > before || name == null) {
      kinds.forEach(k -> errors.add(k.field(), k.message() + ": " + k.reason()));
      return Optional.empty();
    }
    return Optional.of(
        new BackendTlsState(
            Metadata.namespace(policy),
            name,
            Metadata.generation(policy),
            HttpRouteConverter.created(policy),
            targets,
            hostname,
            configMaps,
            List.of(),
            system,
            sans,
            kinds));
  }

  /**
   * A ConfigMap as a CA source: its bundle ({@code ca.crt}) when that holds only X.509
   * certificates, else why not (the API's "malformed" reference: Envoy would refuse the cluster).
   */
  static CaConfigMap caBundle(ConfigMap configMap) {
    String namespace = Metadata.namespace(configMap);
    String name = configMap.getMetadata().getName();
    Map<String, String> data = configMap.getData();
    String pem = data == null ? null : data.get(CA_KEY);
    if (pem == null || pem.isBlank()) {
      return CaConfigMap.without(namespace, name, "has no " + CA_KEY);
    }
    try {
      TlsSecretConverter.certificates(pem);
    } catch (IllegalArgumentException e) {
      return CaConfigMap.without(namespace, name, CA_KEY + ": " + e.getMessage());
    }
    return new CaConfigMap(namespace, name, Optional.of(pem), "");
  }

  private static List<BackendTlsState.Target> targets(
      List<io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName>
          refs,
      DocumentErrors errors) {
    List<BackendTlsState.Target> targets = new ArrayList<>();
    if (refs == null || refs.isEmpty()) {
      errors.add("spec.targetRefs", "must have 1 to 16 items, was 0");
      return targets;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < refs.size(); i++) {
      var ref = refs.get(i);
      String path = "spec.targetRefs[" + i + "]";
      boolean service =
          (ref.getGroup() == null || ref.getGroup().isEmpty()) && "Service".equals(ref.getKind());
      if (!service) {
        errors.add(path, "must be a Service (group \"\", kind Service)");
      } else if (ref.getName() == null || ref.getName().isBlank()) {
        errors.add(path + ".name", "required");
      } else {
        Optional<String> section =
            Optional.ofNullable(ref.getSectionName()).filter(s -> !s.isEmpty());
        if (!seen.add(ref.getName() + "/" + section.orElse(""))) {
          errors.add(path, "sectionName must be unique when targetRefs name one Service twice");
        }
        targets.add(new BackendTlsState.Target(ref.getName(), section));
      }
    }
    return targets;
  }

  private static String hostname(String hostname, DocumentErrors errors) {
    if (hostname == null || hostname.isEmpty()) {
      errors.add("spec.validation.hostname", "required");
      return "";
    }
    if (!HOSTNAME.matcher(hostname).matches() || hostname.length() > 253) {
      errors.add(
          "spec.validation.hostname",
          "must be a DNS name without a wildcard, was '" + hostname + "'");
    }
    return hostname;
  }

  private static boolean wellKnown(String wellKnown, DocumentErrors errors) {
    if (wellKnown == null || wellKnown.isEmpty()) {
      return false;
    }
    if (!wellKnown.equals("System")) {
      errors.add(
          "spec.validation.wellKnownCACertificates", "must be System, was '" + wellKnown + "'");
      return false;
    }
    return true;
  }

  private static List<BackendTlsState.SubjectAltName> subjectAltNames(
      List<io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName> specs,
      DocumentErrors errors) {
    List<BackendTlsState.SubjectAltName> sans = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName> list =
        HttpRouteConverter.orEmpty(specs);
    for (int i = 0; i < list.size(); i++) {
      var san = list.get(i);
      String path = "spec.validation.subjectAltNames[" + i + "]";
      String type = san.getType() == null ? "" : san.getType();
      boolean hasHost = san.getHostname() != null && !san.getHostname().isEmpty();
      boolean hasUri = san.getUri() != null && !san.getUri().isEmpty();
      if (type.equals("Hostname") && hasHost && !hasUri) {
        sans.add(new BackendTlsState.SubjectAltName(false, san.getHostname()));
      } else if (type.equals("URI") && hasUri && !hasHost) {
        sans.add(new BackendTlsState.SubjectAltName(true, san.getUri()));
      } else {
        errors.add(path, "type Hostname with hostname, or type URI with uri");
      }
    }
    return sans;
  }
}
