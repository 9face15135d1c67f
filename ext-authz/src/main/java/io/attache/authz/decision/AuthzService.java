package io.attache.authz.decision;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.DecisionStats;
import io.attache.authz.core.Identity;
import io.attache.events.AuthzDecision;
import io.attache.events.EventSink;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What both adapters call: decide, then record the decision as an {@code audit.authz} event before
 * returning it, so no answer leaves without its record (the sink writes it to its local log and
 * never waits for Kafka). When the record cannot be written and the sink is set to reject, the
 * answer is a denial with reason {@code audit_unavailable} instead. Events never carry credentials:
 * a key is named by its fingerprint only.
 */
public final class AuthzService {
  private final Authorizer authorizer;
  private final EventSink events;
  private final DecisionStats stats;

  public AuthzService(Authorizer authorizer, EventSink events) {
    this(authorizer, events, DecisionStats.NONE);
  }

  public AuthzService(Authorizer authorizer, EventSink events, DecisionStats stats) {
    this.authorizer = authorizer;
    this.events = events;
    this.stats = stats;
  }

  /** {@link #decide(CheckInput, Optional)} untraced, waiting: for callers that may block. */
  public Decision check(CheckInput input) {
    return decide(input, Optional.empty()).join();
  }

  /**
   * Decides {@code input} and records the decision; {@code traceparent} links the audit event to
   * the check's trace. Complete on return unless an identity method had to call out; never
   * completes exceptionally.
   */
  public CompletableFuture<Decision> decide(CheckInput input, Optional<String> traceparent) {
    long start = System.nanoTime();
    CompletableFuture<Decision> decided;
    try {
      decided = authorizer.decide(input);
    } catch (RuntimeException e) {
      // Fail closed, and say so in the audit trail.
      decided = CompletableFuture.completedFuture(Authorizer.internalError());
    }
    return decided.handle(
        (decision, failure) ->
            record(
                input,
                failure == null ? decision : Authorizer.internalError(),
                start,
                traceparent));
  }

  private Decision record(
      CheckInput input, Decision decided, long start, Optional<String> traceparent) {
    long micros = (System.nanoTime() - start) / 1_000;
    Decision decision = decided;
    if (!events.publish(event(input, decision, micros, traceparent))) {
      decision = Authorizer.auditUnavailable();
    }
    stats.decided(decision);
    return decision;
  }

  private static AuthzDecision event(
      CheckInput input, Decision decision, long micros, Optional<String> traceparent) {
    Optional<Identity> identity = decision.identity();
    return new AuthzDecision(
        decision.allowed() ? io.attache.events.Decision.ALLOW : io.attache.events.Decision.DENY,
        decision.reason().code(),
        decision.httpStatus(),
        decision.policy(),
        decision.rule(),
        identity.map(Identity::principal),
        identity.map(Identity::method),
        identity.flatMap(Identity::keyFingerprint),
        input.request().method(),
        input.request().host(),
        input.request().path(),
        input.source().address(),
        input.request().requestId(),
        micros,
        traceparent);
  }
}
