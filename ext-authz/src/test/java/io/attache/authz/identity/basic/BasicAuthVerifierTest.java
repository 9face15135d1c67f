package io.attache.authz.identity.basic;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.PeerAttributes;
import io.attache.authz.core.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7617 Basic credentials against htpasswd users, hashes checked off the caller's thread. */
class BasicAuthVerifierTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final AtomicInteger hashChecks = new AtomicInteger();
  private final Executor counted =
      task -> {
        hashChecks.incrementAndGet();
        pool.execute(task);
      };
  private final AtomicReference<Htpasswd> users =
      new AtomicReference<>(
          Htpasswd.parse(
              "f", "alice:" + HtpasswdTest.BCRYPT, Set.of(), new java.util.ArrayList<>()));

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private BasicAuthVerifier verifier(Executor hashing) {
    return new BasicAuthVerifier(users::get, hashing, new byte[32], Duration.ofMinutes(5));
  }

  private static CheckInput basic(String userAndPassword) {
    return withAuthorization(
        "Basic "
            + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
  }

  private static CheckInput withAuthorization(String value) {
    return new CheckInput(
        new HttpAttributes(
            "GET", "h", "/", "", Map.of("authorization", value), "https", Optional.empty()),
        new PeerAttributes("10.0.0.1:1", Optional.empty()),
        Map.of());
  }

  private static IdentityResult settled(IdentityResult result) {
    return result instanceof IdentityResult.Pending pending
        ? pending.result().toCompletableFuture().join()
        : result;
  }

  @Test
  void aCorrectPasswordIsCheckedOffThreadOnceAndThenAnsweredFromMemory() {
    BasicAuthVerifier verifier = verifier(counted);

    IdentityResult first = verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD));
    IdentityResult firstSettled = settled(first);
    IdentityResult second = verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD));

    assertThat(first).isInstanceOf(IdentityResult.Pending.class);
    assertThat(firstSettled)
        .isInstanceOfSatisfying(
            IdentityResult.Authenticated.class,
            a -> {
              assertThat(a.identity().principal()).isEqualTo("alice");
              assertThat(a.identity().method()).isEqualTo("basic");
            });
    assertThat(second).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(hashChecks).hasValue(1);
  }

  @Test
  void aWrongPasswordAndAnUnknownUserAreRefusedAlikeAndRememberedBriefly() {
    BasicAuthVerifier verifier = verifier(counted);

    IdentityResult wrong = settled(verifier.verify(basic("alice:Correct horse")));
    IdentityResult unknown = settled(verifier.verify(basic("mallory:" + HtpasswdTest.PASSWORD)));
    IdentityResult again = verifier.verify(basic("alice:Correct horse"));

    for (IdentityResult result : new IdentityResult[] {wrong, unknown, again}) {
      assertThat(result)
          .isInstanceOfSatisfying(
              IdentityResult.Rejected.class,
              r -> assertThat(r.reason()).isEqualTo(ReasonCode.BASIC_CREDENTIALS_INVALID));
    }
    // The unknown user cost a hash check too, so timing does not tell which users exist.
    assertThat(hashChecks).hasValue(2);
  }

  /**
   * An unknown user is checked against a decoy hash so that timing tells nothing; the decoy's own
   * password must not let anyone in, the first time or when remembered.
   */
  @Test
  void theDecoysPasswordNeverAuthenticatesAnUnknownUser() {
    BasicAuthVerifier verifier = verifier(counted);

    IdentityResult first = settled(verifier.verify(basic("mallory:decoy")));
    IdentityResult second = settled(verifier.verify(basic("mallory:decoy")));

    assertThat(first).isInstanceOf(IdentityResult.Rejected.class);
    assertThat(second).isInstanceOf(IdentityResult.Rejected.class);
  }

  @Test
  void aChangedPasswordInTheFileIsNotAnsweredFromMemory() {
    BasicAuthVerifier verifier = verifier(counted);
    settled(verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD)));

    users.set(
        Htpasswd.parse(
            "f",
            "alice:$2y$10$3j52z57m9rITL2xG3IAeGu9ZNBQoVR8v.G0TzyoUubq2it2Lz1Y8e",
            Set.of(),
            new java.util.ArrayList<>()));
    IdentityResult old = settled(verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD)));

    assertThat(old).isInstanceOf(IdentityResult.Rejected.class);
  }

  @Test
  void otherSchemesAreNotThisMethodsAndMalformedCredentialsAreRefused() {
    BasicAuthVerifier verifier = verifier(counted);

    assertThat(verifier.verify(withAuthorization("Bearer abc"))).isEqualTo(IdentityResult.ABSENT);
    assertThat(verifier.verify(withAuthorization("Basic not-base64!")))
        .isInstanceOf(IdentityResult.Rejected.class);
    assertThat(verifier.verify(basic("no-colon"))).isInstanceOf(IdentityResult.Rejected.class);
    assertThat(verifier.verify(basic(":password"))).isInstanceOf(IdentityResult.Rejected.class);
    assertThat(verifier.challengeScheme()).isEqualTo("Basic");
  }

  @Test
  void requestsCarryingTheSameNewCredentialShareOneHashCheck() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Executor held =
        task -> {
          hashChecks.incrementAndGet();
          pool.execute(
              () -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                task.run();
              });
        };
    BasicAuthVerifier verifier = verifier(held);

    IdentityResult one = verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD));
    IdentityResult two = verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD));
    release.countDown();

    assertThat(settled(one)).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(settled(two)).isInstanceOf(IdentityResult.Authenticated.class);
    assertThat(hashChecks).hasValue(1);
  }

  @Test
  void aSaturatedHashPoolDeniesAtOnceInsteadOfQueueing() {
    BasicAuthVerifier verifier =
        verifier(
            task -> {
              throw new RejectedExecutionException("full");
            });

    IdentityResult result = verifier.verify(basic("alice:" + HtpasswdTest.PASSWORD));

    assertThat(result)
        .isInstanceOfSatisfying(
            IdentityResult.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(ReasonCode.INTERNAL_ERROR));
  }
}
