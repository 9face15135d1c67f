package io.attache.controlplane.source;

import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.EndpointState;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a discovery.k8s.io/v1 EndpointSlice and turns it into an {@link EndpointState} of the
 * Service named by its {@code kubernetes.io/service-name} label. FQDN slices give no endpoints
 * (proxyless clients need IPs). A missing {@code ready} condition means ready, as in Kubernetes.
 */
final class EndpointSliceConverter {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private EndpointSliceConverter() {}

  static Optional<EndpointState> convert(EndpointSlice slice, DocumentErrors errors) {
    boolean valid = Metadata.name(slice, errors) != null;
    Map<String, String> labels =
        slice.getMetadata() == null || slice.getMetadata().getLabels() == null
            ? Map.of()
            : slice.getMetadata().getLabels();
    String service = labels.get(SERVICE_NAME_LABEL);
    if (service == null || service.isBlank()) {
      errors.add("metadata.labels[" + SERVICE_NAME_LABEL + "]", "required");
      valid = false;
    }
    String addressType = slice.getAddressType();
    if (!"IPv4".equals(addressType) && !"IPv6".equals(addressType) && !"FQDN".equals(addressType)) {
      errors.add("addressType", "must be IPv4, IPv6 or FQDN, was " + addressType);
      valid = false;
    }
    Map<String, Integer> ports = new HashMap<>();
    List<EndpointPort> slicePorts = slice.getPorts() == null ? List.of() : slice.getPorts();
    for (int i = 0; i < slicePorts.size(); i++) {
      EndpointPort port = slicePorts.get(i);
      Integer number = port.getPort();
      if (number == null || number < 1 || number > 65_535) {
        errors.add("ports[" + i + "].port", "must be between 1 and 65535, was " + number);
        valid = false;
      } else {
        ports.put(port.getName() == null ? "" : port.getName(), number);
      }
    }
    List<Endpoint> endpoints = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> specEndpoints =
        slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
    for (int i = 0; i < specEndpoints.size(); i++) {
      var endpoint = specEndpoints.get(i);
      List<String> addresses =
          endpoint.getAddresses() == null ? List.of() : endpoint.getAddresses();
      if (addresses.isEmpty()) {
        errors.add("endpoints[" + i + "].addresses", "at least one address is required");
        valid = false;
      }
      EndpointConditions conditions = endpoint.getConditions();
      boolean ready = conditions == null || !Boolean.FALSE.equals(conditions.getReady());
      Optional<String> zone = Optional.ofNullable(endpoint.getZone()).filter(z -> !z.isBlank());
      for (String address : addresses) {
        endpoints.add(new Endpoint(address, ports, ready, zone));
      }
    }
    if (!valid) {
      return Optional.empty();
    }
    List<Endpoint> usable = "FQDN".equals(addressType) ? List.of() : endpoints;
    return Optional.of(new EndpointState(Metadata.namespace(slice), service, usable));
  }
}
