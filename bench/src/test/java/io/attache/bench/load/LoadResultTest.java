package io.attache.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.bench.LatencyReport;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LoadResultTest {
  private static final List<LoadResult> TWO_TURNS =
      List.of(
          turn(2_000, 1_000, 900, Duration.ofMillis(40)),
          turn(6_000, 3_000, 300, Duration.ofMillis(60)));

  private static LoadResult turn(long calls, double rate, double p99, Duration cpu) {
    return LoadResult.of(
            OptionalDouble.empty(), new LatencyReport(calls, rate, 100, p99, p99, p99), 0)
        .withServerCpu(cpu);
  }

  @Test
  void turnsCombineToTheMeanRateAndTheWorstPercentiles() {
    assertThat(LoadResult.inTurns(TWO_TURNS).latency())
        .isEqualTo(new LatencyReport(8_000, 2_000, 100, 900, 900, 900));
  }

  @Test
  void turnsCombineToTheCpuOfAllCallsOverAllCalls() {
    assertThat(LoadResult.inTurns(TWO_TURNS).serverCpuMicrosPerCall()).hasValue(12.5);
  }
}
