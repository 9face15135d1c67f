package io.attache.authz.core;

import java.util.Locale;

/**
 * Why a request was allowed or denied: stable codes, safe to show clients and to put in audit
 * events. They never say more about a failed credential than this (no claim values, no key
 * material).
 */
public enum ReasonCode {
  OK,
  ANONYMOUS,
  NO_POLICY,
  MISSING_CREDENTIALS,
  TOKEN_MALFORMED,
  TOKEN_TOO_LARGE,
  TOKEN_ALGORITHM_NOT_ALLOWED,
  TOKEN_SIGNATURE_INVALID,
  TOKEN_KEY_UNKNOWN,
  TOKEN_EXPIRED,
  TOKEN_NOT_YET_VALID,
  TOKEN_ISSUER_INVALID,
  TOKEN_AUDIENCE_INVALID,
  TOKEN_CLAIM_INVALID,
  /** The token's {@code typ} header is not the type the policy requires (RFC 8725). */
  TOKEN_TYPE_INVALID,
  JWKS_UNAVAILABLE,
  /** An introspection endpoint says the token is not active (RFC 7662). */
  TOKEN_INACTIVE,
  /** The introspection endpoint could not be asked, or gave no answer: fail closed. */
  INTROSPECTION_UNAVAILABLE,
  API_KEY_INVALID,
  /** A Basic user and password that are not in the htpasswd users, or not well formed. */
  BASIC_CREDENTIALS_INVALID,
  CLIENT_CERT_MISSING,
  CLIENT_CERT_NOT_ALLOWED,
  /** A browser without a session, sent to the OpenID provider to log in. */
  LOGIN_REDIRECT,
  /** The provider's redirect back after a login: the session cookie is set. */
  LOGIN_CALLBACK,
  /**
   * A login that cannot complete: a state that does not match, the provider's error, a bad ID
   * token.
   */
  LOGIN_FAILED,
  /** The logout path: the session cookie cleared, and on to the provider's logout. */
  LOGOUT,
  /** The OpenID provider cannot be used yet: not discovered, or its token endpoint failing. */
  OIDC_UNAVAILABLE,
  RULE_DENIED,
  NO_RULE_ALLOWED,
  INTERNAL_ERROR,
  /** The decision's audit event could not be recorded, and the sink is set to reject. */
  AUDIT_UNAVAILABLE;

  /** Made once: every decision's event and denial header reads it. */
  private final String code = name().toLowerCase(Locale.ROOT);

  /** The code as written in events and headers: {@code token_expired}. */
  public String code() {
    return code;
  }
}
