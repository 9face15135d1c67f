package io.attache.authz.identity.introspection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.RequestReads;
import io.attache.authz.identity.ClientPost;
import io.attache.authz.identity.CredentialDigests;
import io.attache.authz.identity.SharedCalls;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opaque bearer tokens, checked at an OAuth 2.0 introspection endpoint (RFC 7662). Each token is
 * asked about once and the answer remembered: an active one until the token's {@code exp} or {@code
 * remember}, whichever is first; an inactive one for {@link #REMEMBER_INACTIVE}. Requests carrying
 * a token being asked about meanwhile share the one call. Tokens are remembered by a keyed digest,
 * never as text.
 *
 * <p>It fails closed, and fast: an endpoint that cannot be reached, times out or answers anything
 * but an introspection response denies ({@code introspection_unavailable}), and for {@link
 * #FAILING_FOR} after such a failure new tokens are denied without a call, so an outage costs no
 * caller more than one timeout. Every outcome is counted ({@link IntrospectionCounters}).
 */
public final class IntrospectionVerifier implements IdentityVerifier {
  static final Duration REMEMBER_INACTIVE = Duration.ofSeconds(10);
  static final Duration FAILING_FOR = Duration.ofSeconds(1);
  private static final int REMEMBERED = 100_000;
  private static final long NOT_FAILING = Long.MIN_VALUE;

  private final IntrospectionSettings settings;
  private final IntrospectionClient client;
  private final Clock clock;
  private final IntrospectionCounters counters;
  private final CredentialDigests digests = new CredentialDigests();
  private final Cache<ByteBuffer, IntrospectionAnswer> answers;
  private final SharedCalls<ByteBuffer, IntrospectionAnswer> asking = new SharedCalls<>();
  private final AtomicLong failingUntilMillis = new AtomicLong(NOT_FAILING);

  public IntrospectionVerifier(
      IntrospectionSettings settings,
      IntrospectionClient client,
      Clock clock,
      IntrospectionCounters counters) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
    this.counters = counters;
    this.answers =
        Caffeine.newBuilder()
            // Expiry counts on the same clock that reads exp.
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .maximumSize(REMEMBERED)
            .expireAfter(Expiry.creating((ByteBuffer key, IntrospectionAnswer a) -> keep(a)))
            .build();
  }

  @Override
  public RequestReads reads() {
    return settings.from().reads();
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> token = settings.from().extract(input.request());
    if (token.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    if (token.get().isEmpty()) {
      return new IdentityResult.Rejected(ReasonCode.TOKEN_MALFORMED, "empty token");
    }
    ByteBuffer key = digests.of(token.get());
    IntrospectionAnswer known = answers.getIfPresent(key);
    if (known != null && known.usableAt(clock.instant())) {
      counters.remembered.increment();
      return known.result();
    }
    if (clock.millis() < failingUntilMillis.get()) {
      counters.refusedWhileFailing.increment();
      return unavailable("the endpoint failed less than " + FAILING_FOR + " ago");
    }
    return new IdentityResult.Pending(ask(key, token.get()).thenApply(IntrospectionAnswer::result));
  }

  /** One call per token at a time, however many requests carry it meanwhile. */
  private CompletableFuture<IntrospectionAnswer> ask(ByteBuffer key, String token) {
    return asking.call(
        key,
        k -> client.introspect(token).handle((response, failure) -> settle(k, response, failure)));
  }

  private IntrospectionAnswer settle(
      ByteBuffer key, Map<String, Object> response, Throwable failure) {
    Instant now = clock.instant();
    IntrospectionAnswer answer =
        failure == null
            ? IntrospectionAnswer.of(response, settings, now)
            : IntrospectionAnswer.failed(describe(failure));
    switch (answer.kind()) {
      case ACTIVE -> counters.active.increment();
      case INACTIVE -> counters.inactive.increment();
      case FAILED -> {
        counters.failed.increment();
        if (endpointDown(failure)) {
          failingUntilMillis.set(now.toEpochMilli() + FAILING_FOR.toMillis());
        }
      }
    }
    if (answer.kind() != IntrospectionAnswer.Kind.FAILED) {
      answers.put(key, answer);
    }
    return answer;
  }

  /** How long an answer is kept: active ones until exp or remember; failures never. */
  private Duration keep(IntrospectionAnswer answer) {
    return switch (answer.kind()) {
      case ACTIVE -> {
        Duration remember = settings.remember();
        Optional<Instant> exp = answer.expiresAt();
        if (exp.isPresent()) {
          Duration left = Duration.between(clock.instant(), exp.get());
          remember = left.compareTo(remember) < 0 ? left : remember;
        }
        yield remember.isNegative() ? Duration.ZERO : remember;
      }
      case INACTIVE ->
          REMEMBER_INACTIVE.compareTo(settings.remember()) < 0
              ? REMEMBER_INACTIVE
              : settings.remember();
      case FAILED -> Duration.ZERO;
    };
  }

  /**
   * Whether a failure says the endpoint is down (unreachable, timed out, a 5xx), not that it
   * refused this one token (a 4xx for a token it will not read): only the first stops new tokens
   * from being asked about, or one caller's junk could deny everyone.
   */
  private static boolean endpointDown(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof ClientPost.StatusException)) {
      cause = cause.getCause();
    }
    return !(cause instanceof ClientPost.StatusException status) || status.serverError();
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  static IdentityResult unavailable(String detail) {
    return new IdentityResult.Rejected(ReasonCode.INTROSPECTION_UNAVAILABLE, detail);
  }
}
