package io.attache.authz.identity.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.PeerAttributes;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.identity.ClientPost;
import io.attache.authz.identity.CredentialSource;
import io.attache.testsupport.time.MutableClock;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * RFC 7662 answers as an endpoint gives them, from a scripted client: what is remembered, for how
 * long, and what an outage does.
 */
class IntrospectionVerifierTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private final MutableClock clock = MutableClock.at(NOW);
  private final List<String> asked = new ArrayList<>();
  private final Deque<CompletableFuture<Map<String, Object>>> answers = new ArrayDeque<>();
  private final IntrospectionCounters counters = new IntrospectionCounters();

  private IntrospectionVerifier verifier(Duration remember) {
    IntrospectionClient scripted =
        token -> {
          asked.add(token);
          return answers.removeFirst();
        };
    return new IntrospectionVerifier(
        new IntrospectionSettings(
            "introspection",
            new CredentialSource.Header("authorization", "Bearer "),
            remember,
            "sub"),
        scripted,
        clock,
        counters);
  }

  private void answer(Map<String, Object> response) {
    answers.add(CompletableFuture.completedFuture(response));
  }

  private static CheckInput bearer(String token) {
    return new CheckInput(
        new HttpAttributes(
            "GET",
            "h",
            "/",
            "",
            Map.of("authorization", "Bearer " + token),
            "https",
            Optional.empty()),
        new PeerAttributes("10.0.0.1:1", Optional.empty()),
        Map.of());
  }

  private static IdentityResult settled(IdentityResult result) {
    return result instanceof IdentityResult.Pending pending
        ? pending.result().toCompletableFuture().join()
        : result;
  }

  private static ReasonCode reason(IdentityResult result) {
    assertThat(result).isInstanceOf(IdentityResult.Rejected.class);
    return ((IdentityResult.Rejected) result).reason();
  }

  @Test
  void anActiveTokenIsTheCallerWithTheAnswerAsClaimsAndIsRememberedUntilItsExp() {
    IntrospectionVerifier verifier = verifier(Duration.ofMinutes(5));
    answer(
        Map.of(
            "active",
            true,
            "sub",
            "alice",
            "scope",
            "orders:read",
            "exp",
            NOW.plusSeconds(30).getEpochSecond()));

    IdentityResult first = verifier.verify(bearer("opaque-1"));
    IdentityResult settled = settled(first);
    IdentityResult again = verifier.verify(bearer("opaque-1"));
    clock.advance(Duration.ofSeconds(30));
    answer(Map.of("active", false));
    IdentityResult afterExp = settled(verifier.verify(bearer("opaque-1")));

    assertThat(first).isInstanceOf(IdentityResult.Pending.class);
    assertThat(settled)
        .isInstanceOfSatisfying(
            IdentityResult.Authenticated.class,
            a -> {
              assertThat(a.identity().principal()).isEqualTo("alice");
              assertThat(a.identity().method()).isEqualTo("introspection");
              assertThat(a.identity().claims())
                  .containsEntry("scope", "orders:read")
                  .doesNotContainKey("active");
            });
    assertThat(again).isEqualTo(settled);
    assertThat(reason(afterExp)).isEqualTo(ReasonCode.TOKEN_INACTIVE);
    assertThat(asked).containsExactly("opaque-1", "opaque-1");
    assertThat(counters.remembered()).isEqualTo(1);
  }

  @Test
  void anActiveAnswerIsRememberedNoLongerThanTheTtlWhenExpIsLater() {
    IntrospectionVerifier verifier = verifier(Duration.ofSeconds(10));
    answer(Map.of("active", true, "sub", "alice", "exp", NOW.plusSeconds(3600).getEpochSecond()));
    settled(verifier.verify(bearer("t")));

    clock.advance(Duration.ofSeconds(11));
    answer(Map.of("active", false));

    assertThat(reason(settled(verifier.verify(bearer("t"))))).isEqualTo(ReasonCode.TOKEN_INACTIVE);
    assertThat(asked).hasSize(2);
  }

  @Test
  void anInactiveOrExpiredTokenIsRefusedAndAClientCredentialsTokenIsNamedByItsClient() {
    IntrospectionVerifier verifier = verifier(Duration.ofMinutes(5));
    answer(Map.of("active", false));
    answer(Map.of("active", true, "sub", "bob", "exp", NOW.minusSeconds(1).getEpochSecond()));
    answer(Map.of("active", true, "client_id", "billing-job"));

    IdentityResult inactive = settled(verifier.verify(bearer("revoked")));
    IdentityResult expired = settled(verifier.verify(bearer("stale")));
    IdentityResult machine = settled(verifier.verify(bearer("machine")));

    assertThat(reason(inactive)).isEqualTo(ReasonCode.TOKEN_INACTIVE);
    assertThat(reason(expired)).isEqualTo(ReasonCode.TOKEN_INACTIVE);
    assertThat(machine)
        .isInstanceOfSatisfying(
            IdentityResult.Authenticated.class,
            a -> assertThat(a.identity().principal()).isEqualTo("billing-job"));
    // The expired one counts as inactive: that is what it meant.
    assertThat(List.of(counters.active(), counters.inactive())).containsExactly(1L, 2L);
  }

  @Test
  void anUnreachableEndpointDeniesAndThenRefusesNewTokensWithoutCallingForASecond() {
    IntrospectionVerifier verifier = verifier(Duration.ofMinutes(5));
    answers.add(CompletableFuture.failedFuture(new ConnectException("refused")));

    IdentityResult failed = settled(verifier.verify(bearer("a")));
    IdentityResult meanwhile = verifier.verify(bearer("b"));
    clock.advance(IntrospectionVerifier.FAILING_FOR);
    answer(Map.of("active", true, "sub", "carol"));
    IdentityResult recovered = settled(verifier.verify(bearer("b")));

    assertThat(reason(failed)).isEqualTo(ReasonCode.INTROSPECTION_UNAVAILABLE);
    assertThat(reason(meanwhile)).isEqualTo(ReasonCode.INTROSPECTION_UNAVAILABLE);
    assertThat(recovered).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(asked).containsExactly("a", "b");
    assertThat(List.of(counters.failed(), counters.refusedWhileFailing())).containsExactly(1L, 1L);
  }

  /**
   * A 4xx is the endpoint refusing one token (one it will not read), not the endpoint being down:
   * it denies that token, and the next token is still asked about, or one caller's junk could deny
   * everyone.
   */
  @Test
  void aTokenTheEndpointRefusesToReadDoesNotStopOthersBeingAsked() {
    IntrospectionVerifier verifier = verifier(Duration.ofMinutes(5));
    answers.add(
        CompletableFuture.failedFuture(
            new ClientPost.StatusException(400, URI.create("https://idp/introspect"))));
    answer(Map.of("active", true, "sub", "erin"));

    IdentityResult junk = settled(verifier.verify(bearer("junk")));
    IdentityResult next = settled(verifier.verify(bearer("good")));

    assertThat(reason(junk)).isEqualTo(ReasonCode.INTROSPECTION_UNAVAILABLE);
    assertThat(next).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(counters.refusedWhileFailing()).isZero();
  }

  @Test
  void requestsCarryingATokenBeingAskedAboutShareTheOneCall() {
    IntrospectionVerifier verifier = verifier(Duration.ofMinutes(5));
    CompletableFuture<Map<String, Object>> slow = new CompletableFuture<>();
    answers.add(slow);

    IdentityResult one = verifier.verify(bearer("t"));
    IdentityResult two = verifier.verify(bearer("t"));
    slow.complete(Map.of("active", true, "sub", "dave"));

    assertThat(settled(one)).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(settled(two)).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(asked).containsExactly("t");
  }

  @Test
  void noTokenIsAnotherMethodsRequest() {
    IdentityResult result =
        verifier(Duration.ofMinutes(1))
            .verify(
                new CheckInput(
                    new HttpAttributes("GET", "h", "/", "", Map.of(), "https", Optional.empty()),
                    new PeerAttributes("10.0.0.1:1", Optional.empty()),
                    Map.of()));

    assertThat(result).isEqualTo(IdentityResult.ABSENT);
    assertThat(asked).isEmpty();
  }
}
