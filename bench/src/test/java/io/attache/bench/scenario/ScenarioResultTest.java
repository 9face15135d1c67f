package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.attache.bench.LatencyReport;
import io.attache.bench.load.LoadResult;
import io.attache.bench.metrics.TimerHistogram;
import io.attache.bench.metrics.TimerHistogram.Bucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The score and CPU ratio come from the turn pairs, computed without servers. */
class ScenarioResultTest {
  /** A closed-loop turn: {@code rate} calls per second for a second, {@code cpuMicros} each. */
  private static LoadResult turn(double rate, double cpuMicros) {
    long calls = (long) rate;
    return LoadResult.of(
            OptionalDouble.empty(), new LatencyReport(calls, rate, 100, 200, 300, 400), 0)
        .withServerCpu(Duration.ofNanos((long) (cpuMicros * 1_000 * calls)));
  }

  private static LoadResult openLoop(double p99) {
    return openLoop(p99, 500);
  }

  private static LoadResult openLoop(double p99, double rate) {
    return LoadResult.of(
        OptionalDouble.of(rate), new LatencyReport(500, rate, 50, p99, p99, p99), 0);
  }

  /**
   * An open-loop turn whose server timed its 500 calls at {@code meanMicros} on average, all in the
   * bucket (upperMicros - 1, upperMicros] of a timer with a bucket every microsecond up to 100.
   * Interpolated there, its p99 is {@link #p99} of that bound.
   */
  private static LoadResult timed(double clientP99, double meanMicros, int upperMicros) {
    return timed(clientP99, meanMicros, upperMicros, 500);
  }

  private static LoadResult timed(
      double clientP99, double meanMicros, int upperMicros, double rate) {
    List<Bucket> buckets = new ArrayList<>();
    for (int micros = 1; micros <= 100; micros++) {
      buckets.add(new Bucket(micros / 1e6, micros < upperMicros ? 0 : 500));
    }
    buckets.add(new Bucket(Double.POSITIVE_INFINITY, 500));
    return openLoop(clientP99, rate)
        .withServerTimer(new TimerHistogram(500, 500 * meanMicros / 1e6, buckets));
  }

  private static double p99(int upperMicros) {
    return upperMicros - 1 + 0.99;
  }

  /**
   * Three half-load pairs by client p99, ratios 0.625, 0.5 and 1.1: their median is not the
   * throughput pairs' (0.8), so a score taken from the wrong pairs shows.
   */
  private static final List<TurnPair> HALF_PAIRS =
      List.of(
          new TurnPair(openLoop(1_000), openLoop(1_600)),
          new TurnPair(openLoop(1_000), openLoop(2_000)),
          new TurnPair(openLoop(1_100), openLoop(1_000)));

  /**
   * Three pairs; the middle one ran while the machine was slow for both, which sums would weigh as
   * the other pairs and the pair ratio does not notice.
   */
  private static final List<TurnPair> PAIRS =
      List.of(
          new TurnPair(turn(10_000, 20), turn(8_000, 25)),
          new TurnPair(turn(2_000, 40), turn(1_800, 40)),
          new TurnPair(turn(10_000, 20), turn(7_000, 40)));

  private static ScenarioResult result(Scenario scenario, List<TurnPair> pairs) {
    return new ScenarioResult(scenario, pairs, new LatencyPairs(HALF_PAIRS), Optional.empty());
  }

  @Test
  void theScoreIsTheMedianOfThePairThroughputRatios() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).score()).isCloseTo(0.8, within(1e-9));
  }

  @Test
  void theScoreRangeIsTheSmallestAndLargestPairRatio() {
    Spread range = result(Scenario.AUTHZ_API_KEY, PAIRS).scoreRange();

    assertThat(range.min()).isCloseTo(0.7, within(1e-9));
    assertThat(range.max()).isCloseTo(0.9, within(1e-9));
  }

  @Test
  void theSummedThroughputsStayAsTheRatioOfSums() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).throughputRatioOfSums())
        .isCloseTo(16_800 / 22_000.0, within(1e-9));
  }

  @Test
  void theCpuRatioIsTheMedianOfThePairCpuRatios() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).cpuRatio().getAsDouble())
        .isCloseTo(0.8, within(1e-9));
  }

  @Test
  void theCpuRangeIsTheSmallestAndLargestPairCpuRatio() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).cpuRatios())
        .hasValueSatisfying(
            range -> {
              assertThat(range.min()).isCloseTo(0.5, within(1e-9));
              assertThat(range.max()).isCloseTo(1.0, within(1e-9));
            });
  }

  @Test
  void aPairWithoutCpuTimeLeavesNoCpuRatio() {
    List<TurnPair> pairs =
        List.of(
            PAIRS.get(0),
            new TurnPair(
                LoadResult.of(OptionalDouble.empty(), new LatencyReport(1, 1, 1, 1, 1, 1), 0),
                turn(1, 1)));

    assertThat(result(Scenario.AUTHZ_API_KEY, pairs).cpuRatio()).isEmpty();
  }

  @Test
  void aLatencyTargetScoresTheMedianOfTheHalfLoadPairsClientP99Ratios() {
    ScenarioResult events = result(Scenario.AUTHZ_EVENTS, PAIRS);

    assertThat(events.score()).isCloseTo(0.625, within(1e-9));
    assertThat(events.scoreRange().min()).isCloseTo(0.5, within(1e-9));
    assertThat(events.scoreRange().max()).isCloseTo(1.1, within(1e-9));
  }

  @Test
  void aLatencyTargetScoresTheServerSideP99RatiosWhereBothServersTimeTheirChecks() {
    // The client saw the real server 90x slower in one pair: its own scheduling, not the servers'.
    List<TurnPair> half =
        List.of(
            new TurnPair(timed(1_000, 20, 50), timed(90_000, 21, 52)),
            new TurnPair(timed(1_000, 20, 50), timed(1_000, 20, 51)),
            new TurnPair(timed(1_000, 20, 60), timed(1_000, 25, 50)));
    ScenarioResult events =
        new ScenarioResult(Scenario.AUTHZ_EVENTS, PAIRS, new LatencyPairs(half), Optional.empty());

    assertThat(events.score()).isCloseTo(p99(50) / p99(51), within(1e-9));
    assertThat(events.scoreRange().min()).isCloseTo(p99(50) / p99(52), within(1e-9));
    assertThat(events.scoreRange().max()).isCloseTo(p99(60) / p99(50), within(1e-9));
    assertThat(events.atHalf().serverMeanRatios().orElseThrow().median())
        .isCloseTo(20 / 21.0, within(1e-9));
    assertThat(events.realAtHalf().serverDurations().orElseThrow().count()).isEqualTo(1_500);
  }

  @Test
  void oneHalfLoadTurnWithoutTheTimerFallsBackToTheClientsP99() {
    List<TurnPair> half =
        List.of(
            new TurnPair(timed(1_000, 20, 50), timed(1_250, 21, 52)),
            new TurnPair(openLoop(1_000), timed(2_000, 20, 50)));
    ScenarioResult events =
        new ScenarioResult(Scenario.AUTHZ_EVENTS, PAIRS, new LatencyPairs(half), Optional.empty());

    assertThat(events.atHalf().serverP99Ratios()).isEmpty();
    assertThat(events.score()).isCloseTo(0.65, within(1e-9));
  }

  @Test
  void theJsonNamesEveryPairAndBothRanges() {
    String json = result(Scenario.AUTHZ_API_KEY, PAIRS).toJson();

    assertThat(json)
        .contains("\"score\":0.800,\"scoreRange\":[0.700,0.900]")
        .contains("\"cpuRatio\":0.800,\"cpuRatioRange\":[0.500,1.000]")
        .contains("\"pairs\":[{\"baselinePerSecond\":10000.0,\"realPerSecond\":8000.0")
        .contains("\"atHalf\":{\"rate\":500.0,")
        .contains("\"atHalfOfReal\":null");
  }

  @Test
  void theLoadAtHalfTheRealServersMaxIsReportedButNotScored() {
    List<TurnPair> saturated = List.of(new TurnPair(timed(1_000, 20, 10), timed(9_000, 80, 90)));
    List<TurnPair> roomy =
        List.of(new TurnPair(timed(1_000, 20, 10, 300), timed(1_000, 21, 10, 300)));
    ScenarioResult events =
        new ScenarioResult(
            Scenario.AUTHZ_EVENTS,
            PAIRS,
            new LatencyPairs(saturated),
            Optional.of(new LatencyPairs(roomy)));

    assertThat(events.score()).isCloseTo(p99(10) / p99(90), within(1e-9));
    assertThat(events.met()).isFalse();
    assertThat(events.row())
        .contains("at half the baseline's max (500/s)")
        .contains("at half the real server's max (300/s)")
        .contains("p99 ratio 1.00 (1.00–1.00), mean ratio 0.95");
    assertThat(events.toJson()).contains("\"atHalfOfReal\":{\"rate\":300.0,");
  }
}
