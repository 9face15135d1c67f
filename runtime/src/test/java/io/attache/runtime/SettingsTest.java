package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.events.log.FsyncPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void unsetVariablesTakeTheirDefaults() {
    Settings settings = new Settings(Map.of());

    assertThat(settings.port("GRPC_PORT", 8081)).isEqualTo(8081);
    assertThat(settings.bool("SHADOW_MODE", false)).isFalse();
    assertThat(settings.duration("TIMEOUT", Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofSeconds(2));
    settings.validate();
  }

  @Test
  void booleansParseAsGoParsesThem() {
    Settings settings = new Settings(Map.of("A", "T", "B", "0", "C", "True", "D", "yes"));

    assertThat(settings.bool("A", false)).isTrue();
    assertThat(settings.bool("B", true)).isFalse();
    assertThat(settings.bool("C", false)).isTrue();
    assertThatThrownBy(
            () -> {
              settings.bool("D", false);
              settings.validate();
            })
        .hasMessageContaining("D=yes: not a boolean");
  }

  @Test
  void durationsAcceptGoAndIsoForms() {
    Settings settings =
        new Settings(
            Map.of("A", "500ms", "B", "2s", "C", "1m", "D", "1h", "E", "PT3S", "F", "1.5s"));

    assertThat(settings.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.duration("B", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.duration("C", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.duration("D", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
    assertThat(settings.duration("E", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.duration("F", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(new Settings(Map.of("G", "150us")).duration("G", Duration.ZERO))
        .isEqualTo(Duration.ofNanos(150_000));
  }

  @Test
  void everyBadVariableIsReportedAtOnceWithItsValueAndReason() {
    Settings settings =
        new Settings(
            Map.of("GRPC_PORT", "80a", "PORT", "70000", "ATTACHE_SPOOL_FSYNC", "sometimes"));
    settings.port("GRPC_PORT", 8081);
    settings.port("PORT", 8080);
    settings.choice("ATTACHE_SPOOL_FSYNC", FsyncPolicy.INTERVAL);

    assertThatThrownBy(settings::validate)
        .isInstanceOfSatisfying(
            InvalidSettingsException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "GRPC_PORT=80a: not a whole number",
                        "PORT=70000: must be between 0 and 65535",
                        "ATTACHE_SPOOL_FSYNC=sometimes: must be one of always, interval, never"));
  }

  @Test
  void producerPropertiesComeFromPrefixedVariables() {
    Settings settings =
        new Settings(
            Map.of(
                "KAFKA_PRODUCER_SECURITY_PROTOCOL",
                "SSL",
                "KAFKA_PRODUCER_SASL_MECHANISM",
                "PLAIN"));

    assertThat(EventSinks.producerOverrides(settings))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("sasl.mechanism", "PLAIN");
  }
}
