package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static io.attache.charts.RenderedChart.renderWithValues;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PrometheusRule and the Grafana dashboards: the alerts pass {@code promtool check rules} and
 * the unit tests of {@code src/test/resources/promtool/attache-alerts.test.yaml} ({@code promtool
 * test rules}, Debian's prometheus package, installed by .ci/run); every dashboard query is valid
 * PromQL (checked by promtool as a recording rule) over metrics the services export.
 */
class ChartObservabilityTest {
  private static final Path WORK = Path.of("target", "promtool");

  /** Every metric the dashboards may read, as the services and their binders name them. */
  private static final List<String> EXPORTED =
      List.of(
          "grpc_server_processing_duration_seconds_count",
          "grpc_server_processing_duration_seconds_bucket",
          "attache_authz_decisions_total",
          "attache_events_logged_total",
          "attache_events_published_total",
          "attache_events_dropped_total",
          "attache_events_rejected_total",
          "attache_events_spool_bytes",
          "ratelimit_service_rate_limit_over_limit_total",
          "ratelimit_service_rate_limit_near_limit_total",
          "ratelimit_service_rate_limit_within_limit_total",
          "ratelimit_service_call_should_rate_limit_redis_error_total",
          "ratelimit_service_config_load_success_total",
          "ratelimit_service_config_load_error_total",
          "ratelimit_service_response_time_seconds_count",
          "attache_xds_streams_open",
          "attache_xds_acks_total",
          "attache_xds_nacks_total",
          "process_cpu_usage",
          "jvm_memory_used_bytes");

  @Test
  void noRulesAndNoDashboardsUnlessAskedFor() {
    RenderedChart chart = render();
    assertThat(chart.all("PrometheusRule")).isEmpty();
    assertThat(chart.all(ConfigMap.class))
        .noneMatch(c -> c.getMetadata().getName().endsWith("-dashboard"));
  }

  @Test
  void theAlertsPassPromtoolsCheckAndTheirUnitTests() throws Exception {
    GenericKubernetesResource rule =
        render("metrics.prometheusRule.enabled", true).get("PrometheusRule", "rel-attache");
    Files.createDirectories(WORK);
    Files.writeString(WORK.resolve("rules.yaml"), yaml(rule.getAdditionalProperties().get("spec")));
    Files.copy(
        Path.of("src/test/resources/promtool/attache-alerts.test.yaml"),
        WORK.resolve("attache-alerts.test.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(promtool("check", "rules", "rules.yaml")).isEqualTo(0);
    assertThat(promtool("test", "rules", "attache-alerts.test.yaml")).isEqualTo(0);
  }

  @Test
  void everyDashboardQueryIsValidPromqlOverExportedMetrics() throws Exception {
    RenderedChart chart = renderWithValues("metrics: {grafanaDashboards: {enabled: true}}");
    List<ConfigMap> dashboards =
        chart.all(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().endsWith("-dashboard"))
            .toList();
    assertThat(dashboards)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "rel-ratelimit-service-dashboard",
            "rel-ext-authz-dashboard",
            "rel-control-plane-dashboard");
    assertThat(dashboards)
        .allSatisfy(
            c -> assertThat(c.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));

    List<Map<String, Object>> rules = new ArrayList<>();
    JsonMapper json = JsonMapper.builder().build();
    for (ConfigMap map : dashboards) {
      JsonNode dashboard = json.readTree(map.getData().values().iterator().next());
      for (JsonNode panel : dashboard.get("panels")) {
        for (JsonNode target : panel.get("targets")) {
          String expr = target.get("expr").asString();
          assertThat(metricsIn(expr)).isSubsetOf(EXPORTED);
          Map<String, Object> rule = new LinkedHashMap<>();
          rule.put("record", "attache:dashboard:" + rules.size());
          rule.put("expr", expr.replace("$__rate_interval", "5m").replace("$namespace", "shop"));
          rules.add(rule);
        }
      }
    }
    Files.createDirectories(WORK);
    Files.writeString(
        WORK.resolve("dashboard-queries.yaml"),
        yaml(Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules)))));
    assertThat(promtool("check", "rules", "dashboard-queries.yaml")).isEqualTo(0);
  }

  private static List<String> metricsIn(String expr) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("([a-z_:][a-z0-9_:]*)\\{").matcher(expr);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String yaml(Object value) {
    return new Dump(DumpSettings.builder().build()).dumpToString(value);
  }

  private static int promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool did not finish: " + output);
    }
    if (process.exitValue() != 0) {
      System.out.println(output);
    }
    return process.exitValue();
  }
}
