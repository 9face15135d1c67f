package io.attache.authz.identity.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.attache.authz.identity.jwt.PlainClaims;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a logged-in browser's session cookie holds, sealed ({@link SessionSealer}): the ID token's
 * verified claims, when they stop being good, and the refresh token to renew them.
 *
 * @param claims the ID token's claims, as verified at login or the last refresh
 * @param expiresAt past this, the session is renewed with the refresh token, or the browser logs in
 *     again
 */
public record SessionCookie(
    Map<String, Object> claims, Instant expiresAt, Optional<String> refreshToken) {

  /** This session sealed as the value of cookie {@code name}: what a login sets. */
  public String seal(SessionSealer sealer, String name) {
    return sealer.seal(name, json());
  }

  byte[] json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("v", 1);
    json.put("claims", claims);
    json.put("exp", expiresAt.getEpochSecond());
    refreshToken.ifPresent(token -> json.put("rt", token));
    return JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
  }

  /** The session in an opened cookie; empty for one this version did not write. */
  @SuppressWarnings("unchecked")
  static Optional<SessionCookie> of(byte[] json) {
    try {
      Map<String, Object> parsed = JSONObjectUtils.parse(new String(json, StandardCharsets.UTF_8));
      if (!(parsed.get("claims") instanceof Map<?, ?> claims)
          || !(parsed.get("exp") instanceof Number exp)
          || !Integer.valueOf(1).equals(((Number) parsed.getOrDefault("v", 0)).intValue())) {
        return Optional.empty();
      }
      return Optional.of(
          new SessionCookie(
              PlainClaims.of((Map<String, Object>) claims),
              Instant.ofEpochSecond(exp.longValue()),
              parsed.get("rt") instanceof String rt ? Optional.of(rt) : Optional.empty()));
    } catch (ParseException | ClassCastException e) {
      return Optional.empty();
    }
  }
}
