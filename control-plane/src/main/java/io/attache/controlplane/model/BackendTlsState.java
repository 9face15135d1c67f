package io.attache.controlplane.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * @param caPems their bundles, resolved as the state is built
 * @param systemCa {@code wellKnownCACertificates: System}: the CAs Envoy's host trusts
 * @param refProblems the {@code caCertificateRefs} that do not resolve (a kind other than
 *     ConfigMap, a ConfigMap missing or without a certificate); with any, requests to the policy's
 *     backends fail, as the API says ("Connections using an invalid CACertificateRef MUST fail")
 */
public record BackendTlsState(
    String namespace,
    String name,
    long generation,
    Instant created,
    List<Target> targets,
    String hostname,
    List<CaRef> caConfigMaps,
    List<String> caPems,
    boolean systemCa,
    List<SubjectAltName> subjectAltNames,
    List<RefProblem> refProblems) {

  public BackendTlsState {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(hostname, "hostname");
    targets = List.copyOf(targets);
    caConfigMaps = List.copyOf(caConfigMaps);
    caPems = List.copyOf(caPems);
    subjectAltNames = List.copyOf(subjectAltNames);
    refProblems = List.copyOf(refProblems);
  }

  /** The API's reason for a CA reference of a kind other than ConfigMap. */
  public static final String INVALID_KIND = "InvalidKind";

  /** The API's reason for a CA reference that is missing or holds no certificate. */
  public static final String INVALID_CA_CERTIFICATE_REF = "InvalidCACertificateRef";

  /** Whether a CA reference does not resolve, so requests to the backends must fail. */
  public boolean unresolved() {
    return !refProblems.isEmpty();
  }

  /** Whether no CA resolved at all: the API's {@code NoValidCACertificate}. */
  public boolean noValidCa() {
    return !systemCa && caPems.isEmpty();
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

  /** The ConfigMap named at {@code caCertificateRefs[index]}. */
  public record CaRef(int index, String name) {
    public CaRef {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Why {@code caCertificateRefs[index]} does not resolve.
   *
   * @param reason {@link #INVALID_KIND} or {@link #INVALID_CA_CERTIFICATE_REF}
   */
  public record RefProblem(int index, String reason, String message) {
    public RefProblem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    public String field() {
      return "spec.validation.caCertificateRefs[" + index + "]";
    }
  }

  /** A name the certificate must carry: a DNS name, or a URI. */
  public record SubjectAltName(boolean uri, String value) {
    public SubjectAltName {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * This policy with its ConfigMaps' bundles and the problems of those that did not resolve; the
   * problems found when it was read (a reference's kind) stay.
   */
  public BackendTlsState resolved(List<String> pems, List<RefProblem> missing) {
    List<RefProblem> problems = new ArrayList<>();
    refProblems.stream().filter(p -> p.reason().equals(INVALID_KIND)).forEach(problems::add);
    problems.addAll(missing);
    problems.sort(Comparator.comparingInt(RefProblem::index));
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
        problems);
  }
}
