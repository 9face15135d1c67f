package io.attache.authz.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What one identity method made of a request. */
public sealed interface IdentityResult {

  /**
   * The credential was present and valid; {@code clientHeaders} go back to the client with the
   * allowed response (a refreshed session cookie).
   */
  record Authenticated(Identity identity, List<Decision.Header> clientHeaders)
      implements IdentityResult {
    public Authenticated {
      Objects.requireNonNull(identity, "identity");
      clientHeaders = List.copyOf(clientHeaders);
    }

    public Authenticated(Identity identity) {
      this(identity, List.of());
    }
  }

  /**
   * The method answers the request itself: a redirect to log in, a login's callback, a logout. The
   * answer goes to the client as a denial does, and nothing goes upstream.
   *
   * @param identity who the caller turned out to be, when known (a completed login)
   */
  record Respond(
      int status, ReasonCode reason, List<Decision.Header> headers, Optional<Identity> identity)
      implements IdentityResult {
    public Respond {
      Objects.requireNonNull(reason, "reason");
      headers = List.copyOf(headers);
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
