package io.attache.controlplane.source;

import io.attache.controlplane.emissary.GatewayApiMigration;
import io.attache.controlplane.translate.RouteResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Mapping's status as Emissary does (ir/irhttpmapping.py {@code status}, the CRD's {@code
 * MappingStatus}): {@code {state: Running}} when it is served, {@code {state: Inactive, reason:
 * <its first error>}} when it is not, " (and more)" added when it has several. Unchanged statuses
 * are not written again.
 */
final class MappingStatusWriter {
  private static final Logger log = LoggerFactory.getLogger(MappingStatusWriter.class);

  private final KubernetesClient client;

  MappingStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param invalid the errors of objects invalid as read
   * @param errors every error of the read, those found once all Mappings were in among them
   */
  void write(
      List<EmissaryResources.Mapping> mappings,
      Map<ObjectKey, List<ResourceError>> invalid,
      List<ResourceError> errors) {
    for (EmissaryResources.Mapping mapping : mappings) {
      String key = KubernetesResources.key(mapping);
      // errors holds an invalid object's errors too: each once
      Set<ResourceError> own =
          new LinkedHashSet<>(invalid.getOrDefault(ObjectKey.of("Mapping", mapping), List.of()));
      errors.stream().filter(e -> e.file().equals("Mapping " + key)).forEach(own::add);
      if (own.isEmpty()) { // a Mapping left out says why it is; a served one, why it fails
        tlsProblem(mapping, errors).ifPresent(own::add);
      }
      write(mapping, status(new ArrayList<>(own)));
    }
  }

  /**
   * The Mapping's backend must be reached over TLS ({@code https://}, or {@code tls}) and no
   * BackendTLSPolicy covers it, as the route serving it says (a canary's route is its group's first
   * Mapping's): not Emissary's rule but ours (Emissary would have sent them unverified), so its
   * status says so.
   */
  private static Optional<ResourceError> tlsProblem(
      EmissaryResources.Mapping mapping, List<ResourceError> errors) {
    EmissaryResources.Fields spec = mapping.getSpec();
    if (spec == null || !(spec.get("service") instanceof String service)) {
      return Optional.empty();
    }
    Optional<String> backend =
        GatewayApiMigration.tlsBackend(service, Metadata.namespace(mapping), spec.get("tls"));
    if (backend.isEmpty()) {
      return Optional.empty();
    }
    String unresolved = "backend " + backend.get() + RouteResolver.TLS_REQUIRED_MESSAGE;
    boolean failing =
        errors.stream()
            .anyMatch(
                e ->
                    e.file().startsWith("HTTPRoute ")
                        && e.file().contains("/" + EmissaryServing.ROUTE_PREFIX)
                        && e.reason().contains(unresolved));
    return failing
        ? Optional.of(
            new ResourceError(
                "Mapping " + KubernetesResources.key(mapping),
                0,
                "spec.service",
                RouteResolver.TLS_REQUIRED + ": " + unresolved))
        : Optional.empty();
  }

  static EmissaryResources.Fields status(List<ResourceError> errors) {
    EmissaryResources.Fields status = new EmissaryResources.Fields();
    if (errors.isEmpty()) {
      status.put("state", "Running");
      return status;
    }
    ResourceError first = errors.get(0);
    status.put("state", "Inactive");
    status.put(
        "reason",
        (first.field().isEmpty() ? "" : first.field() + ": ")
            + first.reason()
            + (errors.size() > 1 ? " (and more)" : ""));
    return status;
  }

  private void write(EmissaryResources.Mapping mapping, EmissaryResources.Fields status) {
    if (mapping.getStatus() != null && new LinkedHashMap<>(mapping.getStatus()).equals(status)) {
      return;
    }
    try {
      client
          .resources(EmissaryResources.Mapping.class)
          .inNamespace(mapping.getMetadata().getNamespace())
          .withName(mapping.getMetadata().getName())
          .editStatus(
              latest -> {
                latest.setStatus(status);
                return latest;
              });
    } catch (KubernetesClientException e) {
      log.warn(
          "could not write the status of Mapping {}: {}",
          KubernetesResources.key(mapping),
          e.getMessage());
    }
  }
}
