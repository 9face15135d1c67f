package io.attache.authz.decision;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.DecisionStats;
import io.attache.authz.core.Identity;
import io.attache.events.AuthzDecision;
import io.attache.events.EventSink;
import java.util.Optional;

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

  public Decision check(CheckInput input) {
    return check(input, Optional.empty());
  }

  /**
   * As {@link #check(CheckInput)} for a traced check: its event carries {@code traceparent}, so the
   * audit record links to the trace.
   */
  public Decision check(CheckInput input, Optional<String> traceparent) {
    long start = System.nanoTime();
    Decision decision;
    try {
      decision = authorizer.check(input);
    } catch (RuntimeException e) {
      // Fail closed, and say so in the audit trail.
      decision = Authorizer.internalError();
    }
    long micros = (System.nanoTime() - start) / 1_000;
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
