package io.attache.controlplane.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checked Gateway API {@code BackendTLSPolicy} (apis/v1/backendtlspolicy_types.go): Envoy
 * originates TLS to the Service ports it targets, sends {@code hostname} as SNI, and accepts the
 * backend's certificate only if a trusted CA signed it and it names {@code hostname}, or one of
 * {@code subjectAltNames} when they are given.
 *
 * @param caConfigMaps the ConfigMaps named in {@code caCertificateRefs} (key {@code ca.crt})
 * @param caPems their bundles, resolved as the state is built; a policy whose references do not all
 *     resolve has {@code unresolved} set, and requests to its backends fail, as the API says
 * @param systemCa {@code wellKnownCACertificates: System}: the CAs Envoy's host trusts
 */
public record BackendTlsState(
    String namespace,
    String name,
    long generation,
    Instant created,
    List<Target> targets,
    String hostname,
    List<String> caConfigMaps,
    List<String> caPems,
    boolean systemCa,
    List<SubjectAltName> subjectAltNames,
    boolean unresolved) {

  public BackendTlsState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(hostname, "hostname");
    targets = List.copyOf(targets);
    caConfigMaps = List.copyOf(caConfigMaps);
    caPems = List.copyOf(caPems);
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** A Service, all its ports, or the one {@code sectionName} names. */
  public record Target(String service, Optional<String> sectionName) {
    public Target {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(sectionName, "sectionName");
    }
  }

  /** A name the certificate must carry: a DNS name, or a URI. */
  public record SubjectAltName(boolean uri, String value) {
    public SubjectAltName {
      Objects.requireNonNull(value, "value");
    }
  }

  /** This policy with its ConfigMaps' bundles, or marked unresolved when one is missing. */
  public BackendTlsState resolved(List<String> pems, boolean missing) {
    return new BackendTlsState(
        namespace,
        name,
        generation,
        created,
        targets,
        hostname,
        caConfigMaps,
        pems,
        systemCa,
        subjectAltNames,
        missing);
  }
}
