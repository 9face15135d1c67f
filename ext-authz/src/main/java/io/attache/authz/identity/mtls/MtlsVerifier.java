package io.attache.authz.identity.mtls;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.RequestReads;
import io.attache.runtime.Glob;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client-certificate identity Envoy verified and reported in {@code
 * attributes.source.principal} (the URI SAN, e.g. a SPIFFE id, or the subject), allowed when it
 * equals one of the patterns or matches one with {@code *} wildcards.
 */
public final class MtlsVerifier implements IdentityVerifier {
  private final List<String> allowed;

  public MtlsVerifier(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** The client certificate's identity, as Envoy (or HTTP mode, from XFCC) gives it. */
  @Override
  public RequestReads reads() {
    return RequestReads.fields(RequestReads.Field.SOURCE_PRINCIPAL);
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> principal = input.source().principal().filter(p -> !p.isEmpty());
    if (principal.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    for (String pattern : allowed) {
      if (Glob.matches(pattern, principal.get())) {
        return new IdentityResult.Authenticated(
            new Identity(principal.get(), "mtls", Map.of(), Map.of(), Optional.empty()));
      }
    }
    return new IdentityResult.Rejected(
        ReasonCode.CLIENT_CERT_NOT_ALLOWED, "client certificate identity not allowed");
  }
}
