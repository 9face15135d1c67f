package io.attache.authz.core;

/**
 * One configured identity method (JWT, API key, mTLS, anonymous). Implementations are immutable,
 * thread-safe, and never block on the network while answering: key material is fetched in the
 * background and read from memory here.
 */
public interface IdentityVerifier {
  IdentityResult verify(CheckInput input);
}
