package io.attache.controlplane.source;

import io.attache.controlplane.translate.RouteResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
      // Its route's backends that must be reached over TLS and are not yet: not Emissary's rule
      // but ours (it would have sent them unverified), so its status says so, once per route.
      String route =
          "HTTPRoute "
              + Metadata.namespace(mapping)
              + "/"
              + EmissaryServing.ROUTE_PREFIX
              + mapping.getMetadata().getName();
      errors.stream()
          .filter(e -> e.file().equals(route) && e.reason().startsWith(RouteResolver.TLS_REQUIRED))
          .map(e -> new ResourceError("Mapping " + key, 0, "spec.service", e.reason()))
          .forEach(own::add);
      write(mapping, status(new ArrayList<>(own)));
    }
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
