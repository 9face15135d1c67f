package io.attache.ratelimit.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimiterSettingsTest {
  @Test
  void theReferenceDefaultsJitterExpiriesByUpTo300Seconds() {
    assertThat(LimiterSettings.defaults().expirationJitterMaxSeconds()).isEqualTo(300);
  }

  @Test
  void withExpirationJitterChangesThatAndNothingElse() {
    LimiterSettings defaults = LimiterSettings.defaults();

    LimiterSettings none = defaults.withExpirationJitter(0);

    assertThat(none.expirationJitterMaxSeconds()).isZero();
    assertThat(none.withExpirationJitter(300)).isEqualTo(defaults);
  }
}
