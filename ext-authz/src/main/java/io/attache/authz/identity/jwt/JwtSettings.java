package io.attache.authz.identity.jwt;

import static java.util.stream.Collectors.toSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a JWT must look like to be accepted. Validated once here, so the verifier only compares.
 *
 * @param issuers accepted {@code iss} values; at least one
 * @param audiences the token's {@code aud} must contain one of these; empty: {@code aud} is not
 *     checked
 * @param allowedAlgorithms accepted {@code alg} values; {@code none} and {@code HS*} cannot be
 *     expressed (see {@link SignatureAlgorithm})
 * @param clockSkew tolerance for {@code exp} and {@code nbf}
 * @param requiredClaims claims that must be present; a non-empty value must equal the claim (or be
 *     an element of an array claim), numbers and booleans compared as their JSON text
 * @param principalClaim the claim that names the caller; must be a non-empty string
 * @param tokenSource where the token is carried
 * @param maxTokenBytes longer tokens are rejected before any decoding
 * @param requireExpiration whether a token without {@code exp} is rejected
 * @param requiredType the {@code typ} header a token must carry (RFC 8725 section 3.11, explicit
 *     typing: {@code at+jwt} for RFC 9068 access tokens), compared case-insensitively with any
 *     {@code application/} prefix left out, as RFC 7515 section 4.1.9 allows; empty: not checked
 */
public record JwtSettings(
    List<String> issuers,
    List<String> audiences,
    Set<SignatureAlgorithm> allowedAlgorithms,
    Duration clockSkew,
    Map<String, String> requiredClaims,
    String principalClaim,
    TokenSource tokenSource,
    int maxTokenBytes,
    boolean requireExpiration,
    Optional<String> requiredType) {

  public static final Set<SignatureAlgorithm> DEFAULT_ALGORITHMS =
      Set.copyOf(
          EnumSet.of(
              SignatureAlgorithm.RS256,
              SignatureAlgorithm.RS384,
              SignatureAlgorithm.RS512,
              SignatureAlgorithm.PS256,
              SignatureAlgorithm.ES256,
              SignatureAlgorithm.ES384,
              SignatureAlgorithm.EdDSA));
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8192;

  public JwtSettings {
    issuers = List.copyOf(issuers);
    audiences = List.copyOf(audiences);
    allowedAlgorithms = Set.copyOf(allowedAlgorithms);
    Objects.requireNonNull(clockSkew, "clockSkew");
    requiredClaims = Map.copyOf(requiredClaims);
    Objects.requireNonNull(principalClaim, "principalClaim");
    Objects.requireNonNull(tokenSource, "tokenSource");
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("issuers: at least one issuer is required");
    }
    if (issuers.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("issuers: an issuer must not be blank");
    }
    if (audiences.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("audiences: an audience must not be blank");
    }
    if (allowedAlgorithms.isEmpty()) {
      throw new IllegalArgumentException("allowedAlgorithms: at least one algorithm is required");
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew: must not be negative, was " + clockSkew);
    }
    if (principalClaim.isBlank()) {
      throw new IllegalArgumentException("principalClaim: must not be blank");
    }
    if (requiredClaims.keySet().stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("requiredClaims: a claim name must not be blank");
    }
    requiredType = requiredType.map(JwtSettings::mediaType);
    if (requiredType.filter(String::isBlank).isPresent()) {
      throw new IllegalArgumentException("requiredType: must not be blank");
    }
    if (maxTokenBytes <= 0) {
      throw new IllegalArgumentException("maxTokenBytes: must be positive, was " + maxTokenBytes);
    }
  }

  /**
   * A {@code typ} value as compared: lower case, without {@code application/} (RFC 7515 section
   * 4.1.9: "it is RECOMMENDED that the "application/" prefix be omitted"; media types are
   * case-insensitive).
   */
  public static String mediaType(String typ) {
    String lower = typ.strip().toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts from the defaults; only {@link #issuers} must be set. */
  public static final class Builder {
    private final List<String> issuers = new ArrayList<>();
    private final List<String> audiences = new ArrayList<>();
    private Set<SignatureAlgorithm> allowedAlgorithms = DEFAULT_ALGORITHMS;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private final Map<String, String> requiredClaims = new LinkedHashMap<>();
    private String principalClaim = "sub";
    private TokenSource tokenSource = TokenSource.BEARER_AUTHORIZATION;
    private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
    private boolean requireExpiration = true;
    private Optional<String> requiredType = Optional.empty();

    private Builder() {}

    public Builder issuers(String... issuers) {
      this.issuers.addAll(List.of(issuers));
      return this;
    }

    public Builder audiences(String... audiences) {
      this.audiences.addAll(List.of(audiences));
      return this;
    }

    public Builder allowedAlgorithms(SignatureAlgorithm first, SignatureAlgorithm... rest) {
      this.allowedAlgorithms = EnumSet.of(first, rest);
      return this;
    }

    /** By JOSE name, as configuration spells them; {@code none} and {@code HS*} are refused. */
    public Builder allowedAlgorithms(Collection<String> names) {
      this.allowedAlgorithms = names.stream().map(SignatureAlgorithm::parse).collect(toSet());
      return this;
    }

    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
      return this;
    }

    /** {@code value} empty: the claim must only be present. */
    public Builder requireClaim(String name, String value) {
      this.requiredClaims.put(name, value);
      return this;
    }

    public Builder principalClaim(String principalClaim) {
      this.principalClaim = principalClaim;
      return this;
    }

    public Builder header(String name, String prefix) {
      this.tokenSource = new TokenSource.Header(name, prefix);
      return this;
    }

    public Builder queryParameter(String name) {
      this.tokenSource = new TokenSource.QueryParameter(name);
      return this;
    }

    public Builder maxTokenBytes(int maxTokenBytes) {
      this.maxTokenBytes = maxTokenBytes;
      return this;
    }

    public Builder requireExpiration(boolean requireExpiration) {
      this.requireExpiration = requireExpiration;
      return this;
    }

    public Builder requiredType(String typ) {
      this.requiredType = Optional.of(typ);
      return this;
    }

    public JwtSettings build() {
      return new JwtSettings(
          issuers,
          audiences,
          allowedAlgorithms,
          clockSkew,
          requiredClaims,
          principalClaim,
          tokenSource,
          maxTokenBytes,
          requireExpiration,
          requiredType);
    }
  }
}
