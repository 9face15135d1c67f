package io.attache.authz.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The downstream peer, as Envoy reports it in {@code attributes.source}.
 *
 * @param address {@code ip:port}
 * @param principal with mTLS, the client certificate's URI SAN (e.g. a SPIFFE id) or else its
 *     subject
 */
public record PeerAttributes(String address, Optional<String> principal) {
  public PeerAttributes {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(principal, "principal");
  }
}
