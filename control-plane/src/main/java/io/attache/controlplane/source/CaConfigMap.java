package io.attache.controlplane.source;

import java.util.Objects;
import java.util.Optional;

/**
 * A ConfigMap a BackendTLSPolicy names for its CAs: its {@code ca.crt}, if it has a usable one,
 * else {@code problem} says why not. Only such ConfigMaps are read from the API; the rest are
 * passed over.
 */
record CaConfigMap(String namespace, String name, Optional<String> pem, String problem) {
  CaConfigMap {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pem, "pem");
    Objects.requireNonNull(problem, "problem");
  }

  static CaConfigMap without(String namespace, String name, String problem) {
    return new CaConfigMap(namespace, name, Optional.empty(), problem);
  }

  String key() {
    return namespace + "/" + name;
  }
}
