package io.attache.authz.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.RequestReads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One policy's remembered decisions, opt-in ({@code spec.cache}): keyed by exactly what the policy
 * reads of a request ({@link RequestReads}: its methods' credentials, the fields and headers its
 * rules and templates name), so two requests that agree on those get the same answer. It lives in
 * the compiled policy, so a changed policy starts with none.
 *
 * <p>What is remembered, and how long: an allow or a rule's denial for {@code ttl}, never past the
 * {@code exp} its identity's claims carry (a token's lifetime); a 401 (a missing or bad credential)
 * only for {@code invalidCredentialTtl}. Never: answers that depend on something failing (an
 * unreachable key set or endpoint, an internal error, an unrecorded decision), a method's own
 * answers (login redirects) and allows that set a client header (a renewed session cookie).
 */
public final class DecisionCache {
  private static final int MAX_ENTRIES = 100_000;
  private static final Set<ReasonCode> NEVER =
      EnumSet.of(
          ReasonCode.INTERNAL_ERROR,
          ReasonCode.AUDIT_UNAVAILABLE,
          ReasonCode.JWKS_UNAVAILABLE,
          ReasonCode.INTROSPECTION_UNAVAILABLE,
          ReasonCode.OIDC_UNAVAILABLE,
          ReasonCode.LOGIN_REDIRECT,
          ReasonCode.LOGIN_CALLBACK,
          ReasonCode.LOGIN_FAILED,
          ReasonCode.LOGOUT);

  private final RequestReads.Keys keys;
  private final Duration ttl;
  private final Duration invalidCredentialTtl;
  private final Clock clock;
  private final Cache<List<Object>, Remembered> decisions;

  private record Remembered(Decision decision, Duration keep) {}

  public DecisionCache(
      RequestReads reads, Duration ttl, Duration invalidCredentialTtl, Clock clock) {
    if (!reads.keyable()) {
      throw new IllegalArgumentException(String.join("; ", reads.unkeyable()));
    }
    this.keys = reads.keys();
    this.ttl = ttl;
    this.invalidCredentialTtl =
        invalidCredentialTtl.compareTo(ttl) < 0 ? invalidCredentialTtl : ttl;
    this.clock = clock;
    this.decisions =
        Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .expireAfter(Expiry.creating((List<Object> key, Remembered r) -> r.keep()))
            .build();
  }

  /** The key of {@code input}: the values of what the policy reads, in a fixed order. */
  public List<Object> key(CheckInput input) {
    return keys.of(input);
  }

  /** The decision remembered for {@code key}, or null. */
  public Decision get(List<Object> key) {
    Remembered remembered = decisions.getIfPresent(key);
    return remembered == null ? null : remembered.decision();
  }

  /** Remembers {@code decision} for {@code key}, if it may be, for as long as it may be. */
  public void put(List<Object> key, Decision decision) {
    if (NEVER.contains(decision.reason())
        || decision.httpStatus() >= 500
        || (decision.allowed() && !decision.responseHeaders().isEmpty())) {
      return;
    }
    Duration keep = decision.httpStatus() == 401 ? invalidCredentialTtl : ttl;
    Object exp = decision.identity().map(identity -> identity.claims().get("exp")).orElse(null);
    if (exp instanceof Number seconds) {
      Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(seconds.longValue()));
      keep = left.compareTo(keep) < 0 ? left : keep;
    }
    if (!keep.isNegative() && !keep.isZero()) {
      decisions.put(key, new Remembered(decision, keep));
    }
  }
}
