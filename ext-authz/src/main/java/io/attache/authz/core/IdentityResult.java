package io.attache.authz.core;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

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

  /**
   * The answer needs a call that has not returned yet (an introspection endpoint, the API server's
   * TokenReview, a password hash worked out off the event loop): the check completes when {@code
   * result} does. A verifier returns this only on a miss of its own cache, and its call is bounded
   * by a timeout of its own; a result that completes exceptionally denies.
   */
  record Pending(CompletionStage<IdentityResult> result) implements IdentityResult {
    public Pending {
      Objects.requireNonNull(result, "result");
    }
  }

  IdentityResult ABSENT = new Absent();
}
