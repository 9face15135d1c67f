package io.attache.controlplane.source;

import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServiceState;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Checks a v1 Service and turns it into a {@link ServiceState}; reports every bad field. */
final class ServiceConverter {
  private ServiceConverter() {}

  static Optional<ServiceState> convert(Service service, DocumentErrors errors) {
    String name = Metadata.name(service, errors);
    String namespace = Metadata.namespace(service);
    List<io.fabric8.kubernetes.api.model.ServicePort> specPorts =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    List<ServicePort> ports = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean valid = name != null;
    for (int i = 0; i < specPorts.size(); i++) {
      Optional<ServicePort> port =
          port(specPorts.get(i), "spec.ports[" + i + "]", specPorts.size(), errors);
      if (port.isEmpty()) {
        valid = false;
      } else if (!names.add(port.get().name())) {
        errors.add("spec.ports[" + i + "].name", "duplicate port name '" + port.get().name() + "'");
        valid = false;
      } else {
        ports.add(port.get());
      }
    }
    return valid ? Optional.of(new ServiceState(namespace, name, ports)) : Optional.empty();
  }

  private static Optional<ServicePort> port(
      io.fabric8.kubernetes.api.model.ServicePort port,
      String path,
      int count,
      DocumentErrors errors) {
    String name = port.getName() == null ? "" : port.getName();
    boolean valid = true;
    if (name.isEmpty() && count > 1) {
      errors.add(path + ".name", "required when a Service has more than one port");
      valid = false;
    }
    Integer number = port.getPort();
    if (number == null || number < 1 || number > 65_535) {
      errors.add(path + ".port", "must be between 1 and 65535, was " + number);
      valid = false;
    }
    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
    ServicePort.Protocol parsed = null;
    try {
      parsed = ServicePort.Protocol.valueOf(protocol.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      errors.add(path + ".protocol", "must be TCP, UDP or SCTP, was '" + protocol + "'");
      valid = false;
    }
    return valid ? Optional.of(new ServicePort(name, number, parsed)) : Optional.empty();
  }
}
