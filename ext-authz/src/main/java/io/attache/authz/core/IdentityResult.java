package io.attache.authz.core;

import java.util.Objects;

/** What one identity method made of a request. */
public sealed interface IdentityResult {

  /** The credential was present and valid. */
  record Authenticated(Identity identity) implements IdentityResult {
    public Authenticated {
      Objects.requireNonNull(identity, "identity");
    }
  }

  /** This method's credential is not in the request: the next method may apply. */
  record Absent() implements IdentityResult {}

  /**
   * The credential was present but not valid: the request is denied with {@code reason}; {@code
   * detail} goes to the log only, never to the client.
   */
  record Rejected(ReasonCode reason, String detail) implements IdentityResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  IdentityResult ABSENT = new Absent();
}
