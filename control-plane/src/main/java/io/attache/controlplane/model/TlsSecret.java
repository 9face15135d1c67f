package io.attache.controlplane.model;

import java.util.Objects;

/**
 * A Kubernetes Secret of type {@code kubernetes.io/tls}, checked: a PEM certificate chain (leaf
 * first) and the PEM private key of its leaf. Holds key material: {@link #toString()} never prints
 * it, and nothing else may log or audit it.
 */
public record TlsSecret(
    String namespace, String name, String certificateChainPem, String privateKeyPem) {
  public TlsSecret {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(certificateChainPem, "certificateChainPem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
  }

  /** {@code namespace/name}, as a Gateway listener's certificate reference names it. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Names the Secret and the chain's size; the key is redacted. */
  @Override
  public String toString() {
    return "TlsSecret["
        + key()
        + ", certificate chain "
        + certificateChainPem.length()
        + " chars, private key redacted]";
  }
}
