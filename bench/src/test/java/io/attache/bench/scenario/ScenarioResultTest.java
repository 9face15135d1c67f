package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.attache.bench.LatencyReport;
import io.attache.bench.load.LoadResult;
import io.attache.bench.metrics.ServerDurations;
import java.time.Duration;
import java.util.List;
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
    return LoadResult.of(OptionalDouble.of(500), new LatencyReport(500, 500, 50, p99, p99, p99), 0);
  }

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
    return new ScenarioResult(
        scenario,
        LoadResult.inTurns(pairs.stream().map(TurnPair::baseline).toList()),
        openLoop(1_000),
        LoadResult.inTurns(pairs.stream().map(TurnPair::real).toList()),
        openLoop(1_250),
        pairs);
  }

  @Test
  void theScoreIsTheMedianOfThePairThroughputRatios() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).score()).isCloseTo(0.8, within(1e-9));
  }

  @Test
  void theScoreRangeIsTheSmallestAndLargestPairRatio() {
    assertThat(result(Scenario.AUTHZ_API_KEY, PAIRS).scoreRange())
        .hasValueSatisfying(
            range -> {
              assertThat(range.min()).isCloseTo(0.7, within(1e-9));
              assertThat(range.max()).isCloseTo(0.9, within(1e-9));
            });
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
  void aLatencyTargetScoresTheP99RatioAndHasNoPairRange() {
    ScenarioResult events = result(Scenario.AUTHZ_EVENTS, PAIRS);

    assertThat(events.score()).isCloseTo(0.8, within(1e-9));
    assertThat(events.scoreRange()).isEmpty();
  }

  @Test
  void aLatencyTargetScoresTheServerSideP99RatioWhereBothServersTimeTheirChecks() {
    ScenarioResult events =
        new ScenarioResult(
            Scenario.AUTHZ_EVENTS,
            LoadResult.inTurns(PAIRS.stream().map(TurnPair::baseline).toList()),
            openLoop(1_000).withServerDurations(new ServerDurations(500, 20, 50, 40, 60)),
            LoadResult.inTurns(PAIRS.stream().map(TurnPair::real).toList()),
            openLoop(90_000).withServerDurations(new ServerDurations(500, 21, 52, 40, 60)),
            PAIRS);

    assertThat(events.score()).isCloseTo(50 / 52.0, within(1e-9));
    assertThat(events.serverMeanRatio().getAsDouble()).isCloseTo(20 / 21.0, within(1e-9));
  }

  @Test
  void theJsonNamesEveryPairAndBothRanges() {
    String json = result(Scenario.AUTHZ_API_KEY, PAIRS).toJson();

    assertThat(json)
        .contains("\"score\":0.800,\"scoreRange\":[0.700,0.900]")
        .contains("\"cpuRatio\":0.800,\"cpuRatioRange\":[0.500,1.000]")
        .contains("\"pairs\":[{\"baselinePerSecond\":10000.0,\"realPerSecond\":8000.0");
  }
}
