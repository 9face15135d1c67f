package io.attache.authz.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {

  @Test
  void defaultsFollowTheDocumentedValues() {
    JwtSettings settings = JwtSettings.builder().issuers("https://idp.example.com").build();

    assertThat(settings)
        .extracting(
            JwtSettings::allowedAlgorithms,
            JwtSettings::clockSkew,
            JwtSettings::principalClaim,
            JwtSettings::tokenSource,
            JwtSettings::maxTokenBytes,
            JwtSettings::audiences)
        .containsExactly(
            Set.of(
                SignatureAlgorithm.RS256,
                SignatureAlgorithm.RS384,
                SignatureAlgorithm.RS512,
                SignatureAlgorithm.PS256,
                SignatureAlgorithm.ES256,
                SignatureAlgorithm.ES384,
                SignatureAlgorithm.EdDSA),
            Duration.ofSeconds(60),
            "sub",
            new TokenSource.Header("authorization", "Bearer "),
            8192,
            List.of());
  }

  @Test
  void algNoneCannotBeConfigured() {
    assertThatThrownBy(
            () -> JwtSettings.builder().issuers("i").allowedAlgorithms(List.of("RS256", "none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never allowed");
  }

  @Test
  void hmacAlgorithmsCannotBeConfigured() {
    assertThatThrownBy(() -> JwtSettings.builder().issuers("i").allowedAlgorithms(List.of("HS256")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256 is not allowed");
  }

  @Test
  void algorithmsAreConfiguredByName() {
    JwtSettings settings =
        JwtSettings.builder().issuers("i").allowedAlgorithms(List.of("ES512", "PS384")).build();

    assertThat(settings.allowedAlgorithms())
        .containsExactlyInAnyOrder(SignatureAlgorithm.ES512, SignatureAlgorithm.PS384);
  }

  @Test
  void anIssuerIsRequired() {
    assertThatThrownBy(() -> JwtSettings.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("issuers:");
  }

  @Test
  void aNegativeClockSkewIsRefused() {
    assertThatThrownBy(
            () -> JwtSettings.builder().issuers("i").clockSkew(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clockSkew:");
  }

  @Test
  void headerNamesAreLowerCasedAsEnvoySendsThem() {
    JwtSettings settings = JwtSettings.builder().issuers("i").header("X-Token", "").build();

    assertThat(settings.tokenSource()).isEqualTo(new TokenSource.Header("x-token", ""));
  }
}
