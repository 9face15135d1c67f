package io.attache.controlplane.source;

import java.util.Objects;
import java.util.Optional;

/**
 * A ConfigMap a BackendTLSPolicy names for its CAs: its {@code ca.crt}, if it has one. Only such
 * ConfigMaps are read from the API; the rest are passed over.
 */
record CaConfigMap(String namespace, String name, Optional<String> pem) {
  CaConfigMap {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pem, "pem");
  }

  String key() {
    return namespace + "/" + name;
  }
}
