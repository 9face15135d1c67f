package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.bench.load.LoadOptions;
import io.attache.bench.servers.BenchServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs scenarios for a moment each, servers in child processes as bin/bench does, so the harness
 * cannot rot. Figures from this are meaningless; bin/bench produces the real ones.
 */
class ScenarioSmokeTest {
  private static final LoadOptions OPTIONS =
      new LoadOptions(
          "127.0.0.1",
          0,
          1,
          4,
          Duration.ofMillis(200),
          Duration.ofMillis(500),
          OptionalDouble.empty());

  @TempDir Path work;

  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  @Test
  void aScenarioMeasuresBaselineAndRealServerClosedAndOpenLoop() throws Exception {
    List<ScenarioResult> results = run(Scenario.RATELIMIT_MEMORY, Scenario.AUTHZ_JWT);

    assertThat(results).hasSize(2);
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.baselineMax().latency().count()).isPositive();
              assertThat(r.realMax().latency().count()).isPositive();
              assertThat(r.realMax().errors()).isZero();
              assertThat(r.realAtHalf().targetRate()).isPresent();
              assertThat(r.atHalf().pairs()).hasSizeGreaterThanOrEqualTo(2);
              assertThat(r.realAtHalf().latency().p99Micros()).isPositive();
              assertThat(r.realAtHalf().serverCpuMicrosPerCall()).isPresent();
              assertThat(r.score()).isPositive();
              assertThat(r.toJson()).contains("\"scenario\":\"" + r.scenario().argument() + "\"");
            });
    // ext-authz times its own Checks and the runner reads the timer from its /metrics.
    assertThat(results.get(1).realAtHalf().serverDurations())
        .hasValueSatisfying(d -> assertThat(d.count()).isPositive());
  }

  @Test
  void aRedisScenarioRunsOnARedisOfItsOwnThatIsGoneAfterwards() throws Exception {
    List<ScenarioResult> results = run(Scenario.RATELIMIT_REDIS);

    assertThat(results.get(0).realMax().latency().count()).isPositive();
    assertThat(results.get(0).realMax().errors()).isZero();
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .contains("ratelimit-redis: redis on port");
    assertThat(work.resolve(BenchServer.REDIS_ADDRESS)).doesNotExist();
  }

  @Test
  void theEventsScenarioComparesBothAuthzServersByTheirOwnTimers() throws Exception {
    ScenarioResult events = run(Scenario.AUTHZ_EVENTS).get(0);

    assertThat(events.realMax().errors()).isZero();
    assertThat(events.atHalf().serverP99Ratios()).isPresent();
    assertThat(events.atHalf().serverMeanRatios()).isPresent();
    assertThat(events.score()).isPositive();
    // Measured only when the events server's max is the lower one, as it nearly always is.
    events
        .atHalfOfReal()
        .ifPresent(
            roomy -> {
              assertThat(roomy.rate()).isLessThan(events.atHalf().rate());
              assertThat(roomy.serverP99Ratios()).isPresent();
            });
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("authz-events: kafka on port");
    assertThat(work.resolve(BenchServer.KAFKA_BOOTSTRAP)).doesNotExist();
  }

  private List<ScenarioResult> run(Scenario... scenarios) throws Exception {
    return new ScenarioRunner(
            OPTIONS, work, new PrintStream(progress, true, StandardCharsets.UTF_8))
        .run(List.of(scenarios));
  }
}
