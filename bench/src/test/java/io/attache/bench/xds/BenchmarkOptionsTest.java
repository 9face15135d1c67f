package io.attache.bench.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

  @Test
  void routesPairWithServicesByPosition() {
    BenchmarkOptions options = BenchmarkOptions.parse("--services", "10,20", "--routes", "1,2");

    assertThat(options.routesAt(0)).isEqualTo(1);
    assertThat(options.routesAt(1)).isEqualTo(2);
  }

  @Test
  void routesDefaultToTheServiceCounts() {
    BenchmarkOptions options = BenchmarkOptions.parse("--services=300,400");

    assertThat(options.routesAt(1)).isEqualTo(400);
  }

  @Test
  void quickShrinksTheDefaultsButAnExplicitFlagWins() {
    BenchmarkOptions options = BenchmarkOptions.parse("--clients", "20", "--quick");

    assertThat(options.services()).containsExactly(50);
    assertThat(options.clients()).containsExactly(20);
  }

  @Test
  void theDefaultsAreTheIssueSizesWithASmallDebounce() {
    BenchmarkOptions options = BenchmarkOptions.parse("--json", "out/x.json");

    assertThat(options.services()).containsExactly(1_000, 10_000);
    assertThat(options.clients()).containsExactly(100, 500);
    assertThat(options.modes()).containsExactly(XdsMode.SOTW, XdsMode.DELTA);
    assertThat(options.quiet()).isEqualTo(Duration.ofMillis(10));
    assertThat(options.maxDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(options.json()).contains(Path.of("out/x.json"));
  }

  @Test
  void anUnknownFlagIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> BenchmarkOptions.parse("--service", "10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown flag --service")
        .hasMessageContaining("usage:");
  }

  @Test
  void routesThatDoNotPairAreRefused() {
    assertThatThrownBy(() -> BenchmarkOptions.parse("--services", "1,2,3", "--routes", "1,2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--routes");
  }
}
