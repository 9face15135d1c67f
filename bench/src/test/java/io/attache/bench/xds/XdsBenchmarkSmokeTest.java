package io.attache.bench.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code XdsBenchmark --quick} in-process once (a real XdsServer on Netty, raw ADS fleets of
 * both kinds) and checks the report is sane, so the benchmark cannot rot. Figures: see
 * docs/performance.md.
 */
class XdsBenchmarkSmokeTest {
  private static XdsBenchmarkReport report;
  private static String table;

  @BeforeAll
  static void runQuickBenchmark() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report =
        new XdsBenchmark(
                BenchmarkOptions.parse("--quick"),
                new PrintStream(out, true, StandardCharsets.UTF_8))
            .run();
    table = out.toString(StandardCharsets.UTF_8);
  }

  private static List<PushResult> pushes() {
    return report.sizes().get(0).pushes();
  }

  @Test
  void translationGivesAClusterPerServiceAndTakesTime() {
    TranslationResult translation = report.sizes().get(0).translation();

    // Heap figures are left out: at 50 Services they are below the probe's noise.
    assertThat(translation.clusters()).isEqualTo(50);
    assertThat(translation.translateMedianMillis()).isPositive();
    assertThat(translation.snapshotMedianMillis()).isPositive();
  }

  @Test
  void everyClientAcksEveryChangeInBothModes() {
    assertThat(pushes()).extracting(PushResult::mode).containsExactly("sotw", "delta");
    assertThat(pushes())
        .allSatisfy(
            push -> {
              assertThat(push.allAcked()).isTrue();
              assertThat(push.clients()).isEqualTo(10);
              assertThat(push.totalMillis()).isPositive().isGreaterThanOrEqualTo(push.p50Millis());
            });
  }

  @Test
  void anEndpointChangePushesNoClusters() {
    assertThat(pushes()).allSatisfy(push -> assertThat(push.cdsResponsesAfterChanges()).isZero());
  }

  @Test
  void aStateOfTheWorldResponseCarriesTheWholeSampleAndADeltaOneTheChangedAssignment() {
    PushResult sotw = pushes().get(0);
    PushResult delta = pushes().get(1);

    assertThat(sotw.edsResponseResources()).isEqualTo(10);
    assertThat(delta.edsResponseResources()).isEqualTo(1);
    assertThat(delta.edsResponseBytes()).isPositive().isLessThan(sotw.edsResponseBytes());
  }

  @Test
  void theJsonNamesTheMachineAndTheTargets() {
    JsonObject json = JsonParser.parseString(report.toJson()).getAsJsonObject();

    assertThat(json.getAsJsonObject("machine").get("cores").getAsInt()).isPositive();
    assertThat(json.getAsJsonArray("targets").asList())
        .map(t -> t.getAsJsonObject().get("status").getAsString())
        .containsExactly("not measured", "not measured");
  }

  @Test
  void theTableShowsBothModesAndTheTargets() {
    assertThat(table).contains("sotw", "delta", TargetResult.PUSH_TARGET);
  }
}
