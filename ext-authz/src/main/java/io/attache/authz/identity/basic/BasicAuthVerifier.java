package io.attache.authz.identity.basic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.RequestReads;
import io.attache.authz.identity.CredentialDigests;
import io.attache.authz.identity.SharedCalls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * HTTP Basic authentication (RFC 7617) against htpasswd users. A password hash is checked once per
 * credential, off the caller's thread ({@code hashing}: bcrypt costs tens of milliseconds, which an
 * event loop must never spend), and its outcome remembered: a correct password for {@code
 * remember}, a wrong one briefly ({@link #REMEMBER_REFUSED}), so a client sending the same header
 * on every request pays the hash once. The memory holds keyed digests of user, password and stored
 * hash, never a password; a changed password in the file changes the stored hash and so misses. An
 * unknown user costs a hash check too, so the answer's timing does not tell which users exist.
 */
public final class BasicAuthVerifier implements IdentityVerifier {
  static final String METHOD = "basic";
  static final Duration REMEMBER_REFUSED = Duration.ofSeconds(10);
  private static final int REMEMBERED = 10_000;

  /** Checked for unknown users, so that they cost what a known user costs (a bcrypt of "decoy"). */
  private static final PasswordHash DECOY =
      new PasswordHash(
          HashScheme.BCRYPT, "$2y$10$3j52z57m9rITL2xG3IAeGu9ZNBQoVR8v.G0TzyoUubq2it2Lz1Y8e");

  private final Supplier<Htpasswd> users;
  private final Executor hashing;
  private final CredentialDigests digests;
  private final Cache<ByteBuffer, Boolean> accepted;
  private final Cache<ByteBuffer, Boolean> refused;
  private final SharedCalls<ByteBuffer, Boolean> checking = new SharedCalls<>();

  /**
   * @param users the users in force, read on every request (a reloading file, labelled Secrets)
   * @param hashing where hashes are checked; bounded, so a flood of new credentials is refused
   *     rather than queued without end
   * @param digestSecret keys the digests that name remembered credentials
   * @param remember how long a correct password is remembered
   */
  public BasicAuthVerifier(
      Supplier<Htpasswd> users, Executor hashing, byte[] digestSecret, Duration remember) {
    this.users = users;
    this.hashing = hashing;
    this.digests = new CredentialDigests(digestSecret);
    this.accepted =
        Caffeine.newBuilder().maximumSize(REMEMBERED).expireAfterWrite(remember).build();
    this.refused =
        Caffeine.newBuilder().maximumSize(REMEMBERED).expireAfterWrite(REMEMBER_REFUSED).build();
  }

  /** Basic is the scheme a 401 challenges with, so a browser shows its login dialog. */
  @Override
  public String challengeScheme() {
    return "Basic";
  }

  @Override
  public RequestReads reads() {
    return RequestReads.header("authorization");
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> header = input.request().header("authorization");
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
      return IdentityResult.ABSENT;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.get().substring(6).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return invalid("credentials are not base64");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return invalid("credentials are not user:password");
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    Optional<PasswordHash> stored = users.get().user(user);
    PasswordHash hash = stored.orElse(DECOY);
    ByteBuffer key = digests.of(user, password, hash.text());
    if (stored.isPresent() && accepted.getIfPresent(key) != null) {
      return authenticated(user);
    }
    if (refused.getIfPresent(key) != null) {
      return invalid("wrong password or unknown user (remembered)");
    }
    try {
      return new IdentityResult.Pending(
          check(key, hash, password, stored.isPresent())
              .thenApply(
                  matches ->
                      matches && stored.isPresent()
                          ? authenticated(user)
                          : invalid("wrong password or unknown user")));
    } catch (RejectedExecutionException e) {
      return new IdentityResult.Rejected(
          ReasonCode.INTERNAL_ERROR, "password checks are saturated; refused");
    }
  }

  /** One hash check per credential at a time, however many requests carry it meanwhile. */
  private CompletableFuture<Boolean> check(
      ByteBuffer key, PasswordHash hash, String password, boolean knownUser) {
    return checking.call(
        key,
        k ->
            CompletableFuture.supplyAsync(() -> hash.matches(password), hashing)
                .whenComplete(
                    (matches, failure) -> {
                      if (failure == null) {
                        // Only a known user's correct password is ever accepted: the decoy's own
                        // password is a refusal like any other, remembered as one.
                        (matches && knownUser ? accepted : refused).put(key, Boolean.TRUE);
                      }
                    }));
  }

  private static IdentityResult authenticated(String user) {
    return new IdentityResult.Authenticated(
        new Identity(user, METHOD, Map.of(), Map.of(), Optional.empty()));
  }

  private static IdentityResult invalid(String detail) {
    return new IdentityResult.Rejected(ReasonCode.BASIC_CREDENTIALS_INVALID, detail);
  }
}
