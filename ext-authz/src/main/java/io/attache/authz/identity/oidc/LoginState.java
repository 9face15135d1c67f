package io.attache.authz.identity.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * One login in progress, sealed in a short-lived cookie between the redirect to the provider and
 * its redirect back: the {@code state} the callback must echo (CSRF, RFC 6749 section 10.12), the
 * {@code nonce} the ID token must carry (OpenID Connect Core section 3.1.2.1), the PKCE verifier
 * whose S256 challenge went out (RFC 7636), and where the browser was going.
 */
record LoginState(
    String state, String nonce, String codeVerifier, String returnTo, Instant expiresAt) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static LoginState start(String returnTo, Instant expiresAt) {
    return new LoginState(random(16), random(16), random(32), returnTo, expiresAt);
  }

  /** RFC 7636 section 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
  String codeChallenge() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }

  byte[] json() {
    return JSONObjectUtils.toJSONString(
            Map.of(
                "state", state,
                "nonce", nonce,
                "verifier", codeVerifier,
                "return", returnTo,
                "exp", expiresAt.getEpochSecond()))
        .getBytes(StandardCharsets.UTF_8);
  }

  static Optional<LoginState> of(byte[] json) {
    try {
      Map<String, Object> parsed = JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
      if (parsed.get("state") instanceof String state
          && parsed.get("nonce") instanceof String nonce
          && parsed.get("verifier") instanceof String verifier
          && parsed.get("return") instanceof String returnTo
          && parsed.get("exp") instanceof Number exp) {
        return Optional.of(
            new LoginState(
                state, nonce, verifier, returnTo, Instant.ofEpochSecond(exp.longValue())));
      }
      return Optional.empty();
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }
}
