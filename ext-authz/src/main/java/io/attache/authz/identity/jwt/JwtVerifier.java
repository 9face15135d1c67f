package io.attache.authz.identity.jwt;

import static io.attache.authz.core.ReasonCode.INTERNAL_ERROR;
import static io.attache.authz.core.ReasonCode.JWKS_UNAVAILABLE;
import static io.attache.authz.core.ReasonCode.TOKEN_ALGORITHM_NOT_ALLOWED;
import static io.attache.authz.core.ReasonCode.TOKEN_AUDIENCE_INVALID;
import static io.attache.authz.core.ReasonCode.TOKEN_CLAIM_INVALID;
import static io.attache.authz.core.ReasonCode.TOKEN_EXPIRED;
import static io.attache.authz.core.ReasonCode.TOKEN_ISSUER_INVALID;
import static io.attache.authz.core.ReasonCode.TOKEN_KEY_UNKNOWN;
import static io.attache.authz.core.ReasonCode.TOKEN_MALFORMED;
import static io.attache.authz.core.ReasonCode.TOKEN_NOT_YET_VALID;
import static io.attache.authz.core.ReasonCode.TOKEN_SIGNATURE_INVALID;
import static io.attache.authz.core.ReasonCode.TOKEN_TOO_LARGE;
import static io.attache.authz.core.ReasonCode.TOKEN_TYPE_INVALID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.RequestReads;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWT identity method: finds a bearer token, checks its form, algorithm, type, signature,
 * lifetime, issuer, audience and required claims, in that order, and names the caller by {@link
 * JwtSettings#principalClaim}. Claims are only read after the signature is verified, and only keys
 * from the {@link KeySource} are trusted: keys a token names itself ({@code jwk}, {@code jku},
 * {@code x5u}, {@code x5c}) are ignored.
 *
 * <p>It never blocks (keys come from memory, see {@link KeySource}) and never puts the token in a
 * {@link IdentityResult.Rejected#detail()}: details name the failed check, plus at most a sanitized
 * {@code kid}, {@code alg} or claim name.
 */
public final class JwtVerifier implements IdentityVerifier {
  private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);
  static final String METHOD = "jwt";

  /**
   * Tokens whose signature verified, with what that established ({@link VerifiedToken}). Clients
   * send the same token for its whole lifetime, and an RS256 check costs ~50 µs of CPU, the parsing
   * around it (base64url, strict JSON, header and claims) several µs more. A hit is used only while
   * the same key is still in the key set; the lifetime is checked on every request. Issuer,
   * audience, required claims and principal depend on nothing but the token and these settings, so
   * their result (an identity or the refusal) is remembered with the token. Keyed by the exact
   * token text, bounded (tokens are at most {@code maxTokenBytes} each).
   */
  static final int VERIFIED_TOKENS = 2_048;

  private final JwtSettings settings;
  private final KeySource keys;
  private final Clock clock;
  private final Cache<TokenKey, VerifiedToken> verified;

  public JwtVerifier(JwtSettings settings, KeySource keys, Clock clock) {
    this(settings, keys, clock, VERIFIED_TOKENS);
  }

  /** As above, remembering at most {@code verifiedTokens} tokens. */
  JwtVerifier(JwtSettings settings, KeySource keys, Clock clock, int verifiedTokens) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verified = Caffeine.newBuilder().maximumSize(verifiedTokens).build();
  }

  /** The token's header or query parameter; the token's lifetime bounds what is remembered. */
  @Override
  public RequestReads reads() {
    return settings.tokenSource().reads();
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    List<String> tokens = settings.tokenSource().candidates(input.request());
    if (tokens.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    if (tokens.size() > 1) {
      return new IdentityResult.Rejected(TOKEN_MALFORMED, "more than one token in the request");
    }
    return verifyCompact(tokens.get(0));
  }

  /**
   * Checks {@code token} as {@link #verify} checks one found in a request: for tokens that arrive
   * another way (an OpenID provider's ID token, from its token endpoint).
   */
  public IdentityResult verifyCompact(String token) {
    try {
      return new IdentityResult.Authenticated(verifyToken(token));
    } catch (Rejection rejection) {
      return rejection.toResult();
    } catch (RuntimeException e) {
      // A library failure on odd input must deny, not allow. Only the exception's type and origin
      // are logged: its message might quote the token.
      StackTraceElement[] stack = e.getStackTrace();
      log.error(
          "JWT verification failed unexpectedly: {} at {}",
          e.getClass().getName(),
          stack.length > 0 ? stack[0] : "(no stack)");
      return new IdentityResult.Rejected(INTERNAL_ERROR, "verification failed unexpectedly");
    }
  }

  private Identity verifyToken(String token) throws Rejection {
    // Every legal token character is ASCII, so characters count bytes; non-ASCII fails parsing.
    if (token.length() > settings.maxTokenBytes()) {
      throw new Rejection(
          TOKEN_TOO_LARGE,
          "token of " + token.length() + " bytes, limit " + settings.maxTokenBytes());
    }
    if (token.isEmpty()) {
      throw new Rejection(TOKEN_MALFORMED, "empty token");
    }
    VerifiedToken verifiedToken = verified(token);
    checkLifetime(verifiedToken);
    return verifiedToken.identity();
  }

  /**
   * What the token's signature and claims established: remembered from an earlier request while the
   * key it verified with is still a candidate for it, else verified now and remembered.
   */
  private VerifiedToken verified(String token) throws Rejection {
    TokenKey key = new TokenKey(token);
    VerifiedToken known = verified.getIfPresent(key);
    if (known != null && candidates(known.kid(), known.algorithm()).contains(known.key())) {
      return known;
    }
    VerifiedToken checked = check(token);
    verified.put(key, checked);
    return checked;
  }

  /**
   * A token as the key of {@link #verified}: equal when the texts are equal, hashed over the last
   * {@value #HASHED_CHARS} characters only. {@code String.hashCode} walks the whole token, a new
   * string on every request, and over a typical 600-1,000 characters that was a fifth of a JWT
   * Check's CPU. A token that reaches the cache ends in its signature, whose characters are as
   * random as the key's output, so the tail tells tokens apart as well as the whole would; every
   * match is still confirmed by comparing the full text.
   */
  private static final class TokenKey {
    static final int HASHED_CHARS = 32;

    private final String token;
    private final int hash;

    TokenKey(String token) {
      this.token = token;
      int h = token.length();
      for (int i = Math.max(0, token.length() - HASHED_CHARS); i < token.length(); i++) {
        h = 31 * h + token.charAt(i);
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TokenKey that && hash == that.hash && token.equals(that.token);
    }
  }

  /**
   * Parses the token, verifies its signature and checks what does not depend on time. A failure
   * after the signature verified is kept in the result, so that the lifetime is checked first as
   * for any token.
   */
  private VerifiedToken check(String token) throws Rejection {
    CompactJws jws = CompactJws.parse(token);
    Map<String, Object> headerFields = headerFields(jws);
    SignatureAlgorithm algorithm = algorithm(headerFields);
    JWSHeader header = header(headerFields, jws);
    checkType(header);
    Optional<String> kid = Optional.ofNullable(header.getKeyID());
    VerificationKey key = verifySignature(jws, header, kid, algorithm);
    JWTClaimsSet claims = claims(jws);
    Optional<Instant> exp = Optional.ofNullable(claims.getExpirationTime()).map(Date::toInstant);
    Optional<Instant> nbf = Optional.ofNullable(claims.getNotBeforeTime()).map(Date::toInstant);
    try {
      checkIssuer(claims);
      checkAudience(claims);
      checkRequiredClaims(claims);
      Identity identity =
          new Identity(
              principal(claims),
              METHOD,
              PlainClaims.of(claims.toJSONObject()),
              Map.of(),
              Optional.empty());
      return VerifiedToken.accepted(key, kid, algorithm, exp, nbf, identity);
    } catch (Rejection | RuntimeException refusal) {
      return VerifiedToken.refused(key, kid, algorithm, exp, nbf, refusal);
    }
  }

  private static Map<String, Object> headerFields(CompactJws jws) throws Rejection {
    try {
      return JSONObjectUtils.parse(jws.headerJson());
    } catch (ParseException e) {
      throw new Rejection(TOKEN_MALFORMED, "header is not a JSON object");
    }
  }

  /** Read from the raw fields, because the JOSE library refuses {@code none} as a parse error. */
  private SignatureAlgorithm algorithm(Map<String, Object> headerFields) throws Rejection {
    if (!(headerFields.get("alg") instanceof String name)) {
      throw new Rejection(TOKEN_MALFORMED, "header has no alg string");
    }
    Optional<SignatureAlgorithm> known = SignatureAlgorithm.named(name);
    if (known.isEmpty() || !settings.allowedAlgorithms().contains(known.get())) {
      throw new Rejection(
          TOKEN_ALGORITHM_NOT_ALLOWED, "alg " + LogSafe.quote(name) + " not allowed");
    }
    return known.get();
  }

  private static JWSHeader header(Map<String, Object> headerFields, CompactJws jws)
      throws Rejection {
    JWSHeader header;
    try {
      header = JWSHeader.parse(headerFields, new Base64URL(jws.encodedHeader()));
    } catch (ParseException e) {
      throw new Rejection(TOKEN_MALFORMED, "header is not a valid JWS header");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      // RFC 7515 section 4.1.11: extensions we do not implement must fail the token.
      throw new Rejection(TOKEN_MALFORMED, "header has critical parameters we do not understand");
    }
    return header;
  }

  /** RFC 8725 section 3.11: a token of another type is not this kind of token, however signed. */
  private void checkType(JWSHeader header) throws Rejection {
    if (settings.requiredType().isEmpty()) {
      return;
    }
    String typ = header.getType() == null ? null : header.getType().getType();
    if (typ == null || !JwtSettings.mediaType(typ).equals(settings.requiredType().get())) {
      throw new Rejection(
          TOKEN_TYPE_INVALID,
          typ == null
              ? "no typ header"
              : "typ " + LogSafe.quote(typ) + " is not the required type");
    }
  }

  /** The keys that may have signed a token with this kid and algorithm; never empty. */
  private List<VerificationKey> candidates(Optional<String> kid, SignatureAlgorithm algorithm)
      throws Rejection {
    KeySource.Lookup lookup = keys.lookup(kid, algorithm);
    if (lookup instanceof KeySource.Lookup.Found found) {
      return found.keys();
    }
    if (lookup instanceof KeySource.Lookup.Unavailable unavailable) {
      throw new Rejection(JWKS_UNAVAILABLE, unavailable.why());
    }
    throw new Rejection(TOKEN_KEY_UNKNOWN, "no key for " + which(kid, algorithm));
  }

  private VerificationKey verifySignature(
      CompactJws jws, JWSHeader header, Optional<String> kid, SignatureAlgorithm algorithm)
      throws Rejection {
    List<VerificationKey> candidates = candidates(kid, algorithm);
    byte[] signingInput = jws.signingInput();
    Base64URL signature = new Base64URL(jws.encodedSignature());
    for (VerificationKey key : candidates) {
      try {
        if (key.verifier().verify(header, signingInput, signature)) {
          return key;
        }
      } catch (JOSEException e) {
        // A signature of the wrong length or shape: simply not valid for this key.
      }
    }
    throw new Rejection(
        TOKEN_SIGNATURE_INVALID, "signature does not verify (" + which(kid, algorithm) + ")");
  }

  private static String which(Optional<String> kid, SignatureAlgorithm algorithm) {
    return kid.map(k -> "kid " + LogSafe.quote(k)).orElse("no kid") + ", alg " + algorithm;
  }

  private static JWTClaimsSet claims(CompactJws jws) throws Rejection {
    try {
      return JWTClaimsSet.parse(jws.payloadJson());
    } catch (ParseException e) {
      throw new Rejection(TOKEN_MALFORMED, "payload is not a valid JWT claims set");
    }
  }

  private void checkLifetime(VerifiedToken token) throws Rejection {
    Instant now = clock.instant();
    Optional<Instant> exp = token.expiresAt();
    if (exp.isEmpty()) {
      if (settings.requireExpiration()) {
        throw new Rejection(TOKEN_CLAIM_INVALID, "no exp claim");
      }
    } else if (!now.isBefore(exp.get().plus(settings.clockSkew()))) {
      throw new Rejection(TOKEN_EXPIRED, "expired at " + exp.get());
    }
    Optional<Instant> nbf = token.notBefore();
    if (nbf.isPresent() && now.plus(settings.clockSkew()).isBefore(nbf.get())) {
      throw new Rejection(TOKEN_NOT_YET_VALID, "not valid before " + nbf.get());
    }
  }

  /** How many tokens are remembered now (pending evictions done first). */
  long verifiedTokens() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private void checkIssuer(JWTClaimsSet claims) throws Rejection {
    String iss = claims.getIssuer();
    if (iss == null || !settings.issuers().contains(iss)) {
      throw new Rejection(
          TOKEN_ISSUER_INVALID, iss == null ? "no iss claim" : "iss is not an accepted issuer");
    }
  }

  private void checkAudience(JWTClaimsSet claims) throws Rejection {
    if (settings.audiences().isEmpty()) {
      return;
    }
    List<String> aud = claims.getAudience();
    if (aud.stream().noneMatch(settings.audiences()::contains)) {
      throw new Rejection(
          TOKEN_AUDIENCE_INVALID, aud.isEmpty() ? "no aud claim" : "aud has no accepted audience");
    }
  }

  private void checkRequiredClaims(JWTClaimsSet claims) throws Rejection {
    for (Map.Entry<String, String> required : settings.requiredClaims().entrySet()) {
      Object value = claims.getClaim(required.getKey());
      String name = LogSafe.quote(required.getKey());
      if (value == null) {
        throw new Rejection(TOKEN_CLAIM_INVALID, "required claim " + name + " is missing");
      }
      String expected = required.getValue();
      if (!expected.isEmpty() && !matches(value, expected)) {
        throw new Rejection(
            TOKEN_CLAIM_INVALID, "required claim " + name + " does not have the required value");
      }
    }
  }

  /** A scalar equals {@code expected} as text; an array contains it. Objects never match. */
  private static boolean matches(Object value, String expected) {
    if (value instanceof List<?> list) {
      return list.stream().anyMatch(element -> isScalar(element) && text(element).equals(expected));
    }
    return isScalar(value) && text(value).equals(expected);
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  private static String text(Object scalar) {
    return String.valueOf(scalar);
  }

  private String principal(JWTClaimsSet claims) throws Rejection {
    Object value = claims.getClaim(settings.principalClaim());
    if (!(value instanceof String principal) || principal.isEmpty()) {
      throw new Rejection(
          TOKEN_CLAIM_INVALID,
          "principal claim " + LogSafe.quote(settings.principalClaim()) + " is not a string");
    }
    return principal;
  }
}
