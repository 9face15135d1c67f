package io.attache.authz.core;

/**
 * One configured identity method (JWT, API key, mTLS, anonymous). Implementations are immutable,
 * thread-safe, and never block on the network while answering: key material is fetched in the
 * background and read from memory here, and an answer that needs a call out (introspection,
 * TokenReview) is {@link IdentityResult.Pending}, completed by that call.
 */
public interface IdentityVerifier {
  IdentityResult verify(CheckInput input);

  /**
   * The HTTP authentication scheme a 401 challenges with for this method ({@code WWW-Authenticate},
   * RFC 9110 section 11.6.1): {@code Bearer} unless the method is another scheme's.
   */
  default String challengeScheme() {
    return "Bearer";
  }

  /**
   * What of a request this method reads to decide, for keying remembered decisions; a method that
   * does not say cannot have its decisions remembered.
   */
  default RequestReads reads() {
    return RequestReads.unkeyable(getClass().getSimpleName() + " does not say what it reads");
  }
}
