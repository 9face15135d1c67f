package io.attache.authz.identity.jwt;

import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.ReasonCode;

/**
 * Why a token was refused, thrown by one verification step and turned into {@link
 * IdentityResult.Rejected} at the top. Its message is for the log and must never contain the token.
 * No stack trace: hostile traffic makes these routine, not exceptional.
 */
final class Rejection extends Exception {
  private final ReasonCode reason;

  Rejection(ReasonCode reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  IdentityResult.Rejected toResult() {
    return new IdentityResult.Rejected(reason, getMessage());
  }
}
