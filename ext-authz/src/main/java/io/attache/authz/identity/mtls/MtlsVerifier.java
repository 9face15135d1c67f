package io.attache.authz.identity.mtls;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
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

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> principal = input.source().principal().filter(p -> !p.isEmpty());
    if (principal.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    for (String pattern : allowed) {
      if (glob(pattern, principal.get())) {
        return new IdentityResult.Authenticated(
            new Identity(principal.get(), "mtls", Map.of(), Map.of(), Optional.empty()));
      }
    }
    return new IdentityResult.Rejected(
        ReasonCode.CLIENT_CERT_NOT_ALLOWED, "client certificate identity not allowed");
  }

  /** {@code *} matches any run of characters; no other metacharacters. */
  static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        resume = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
