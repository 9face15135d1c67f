package io.attache.authz.identity.introspection;

import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.identity.jwt.PlainClaims;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the endpoint said about one token, and what that means for a request carrying it.
 *
 * @param kind active, inactive, or the call failed
 * @param result the identity (the response's members are its claims) or the refusal
 * @param expiresAt the token's {@code exp}, when the answer gave one
 */
record IntrospectionAnswer(Kind kind, IdentityResult result, Optional<Instant> expiresAt) {
  enum Kind {
    ACTIVE,
    INACTIVE,
    FAILED
  }

  IntrospectionAnswer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * Reads a response (RFC 7662 section 2.2): {@code active} decides; an active token whose {@code
   * exp} has passed is treated as inactive, as the endpoint's clock and ours may differ by the
   * call's time.
   */
  static IntrospectionAnswer of(
      Map<String, Object> response, IntrospectionSettings settings, Instant now) {
    String principalClaim = settings.principalClaim();
    if (!Boolean.TRUE.equals(response.get("active"))) {
      return inactive("the endpoint says the token is not active");
    }
    Optional<Instant> exp = seconds(response.get("exp"));
    if (exp.isPresent() && !now.isBefore(exp.get())) {
      return inactive("active, but its exp has passed");
    }
    Optional<String> principal =
        text(response.get(principalClaim)).or(() -> text(response.get("client_id")));
    if (principal.isEmpty()) {
      return new IntrospectionAnswer(
          Kind.ACTIVE,
          new IdentityResult.Rejected(
              ReasonCode.TOKEN_CLAIM_INVALID,
              "the answer names no " + principalClaim + " and no client_id"),
          exp);
    }
    Map<String, Object> claims = new LinkedHashMap<>(response);
    claims.remove("active");
    return new IntrospectionAnswer(
        Kind.ACTIVE,
        new IdentityResult.Authenticated(
            new Identity(
                principal.get(),
                settings.method(),
                PlainClaims.of(claims),
                Map.of(),
                Optional.empty())),
        exp);
  }

  static IntrospectionAnswer failed(String detail) {
    return new IntrospectionAnswer(
        Kind.FAILED, IntrospectionVerifier.unavailable(detail), Optional.empty());
  }

  /** Whether this remembered answer still holds at {@code now}. */
  boolean usableAt(Instant now) {
    return expiresAt.map(now::isBefore).orElse(true);
  }

  private static IntrospectionAnswer inactive(String detail) {
    return new IntrospectionAnswer(
        Kind.INACTIVE,
        new IdentityResult.Rejected(ReasonCode.TOKEN_INACTIVE, detail),
        Optional.empty());
  }

  private static Optional<Instant> seconds(Object value) {
    return value instanceof Number number
        ? Optional.of(Instant.ofEpochSecond(number.longValue()))
        : Optional.empty();
  }

  private static Optional<String> text(Object value) {
    return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }
}
