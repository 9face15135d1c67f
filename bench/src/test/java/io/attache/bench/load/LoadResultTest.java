package io.attache.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.attache.bench.LatencyReport;
import io.attache.bench.metrics.TimerHistogram;
import io.attache.bench.metrics.TimerHistogram.Bucket;
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

  @Test
  void turnsCombineTheServersTimerWhenEveryTurnReadIt() {
    TimerHistogram first =
        new TimerHistogram(
            10, 1e-4, List.of(new Bucket(1e-5, 10), new Bucket(Double.POSITIVE_INFINITY, 10)));
    TimerHistogram second =
        new TimerHistogram(
            30, 9e-4, List.of(new Bucket(1e-5, 20), new Bucket(Double.POSITIVE_INFINITY, 30)));

    LoadResult both =
        LoadResult.inTurns(
            List.of(
                TWO_TURNS.get(0).withServerTimer(first), TWO_TURNS.get(1).withServerTimer(second)));

    assertThat(both.serverTimer()).hasValue(first.plus(second));
    assertThat(both.serverDurations().orElseThrow().meanMicros()).isCloseTo(25.0, within(1e-9));
    assertThat(
            LoadResult.inTurns(List.of(TWO_TURNS.get(0).withServerTimer(first), TWO_TURNS.get(1)))
                .serverTimer())
        .isEmpty();
  }
}
