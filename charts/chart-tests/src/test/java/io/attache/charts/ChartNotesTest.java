package io.attache.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

/**
 * NOTES.txt says what was installed, how to check it and how to point Envoy or Ambassador at it.
 */
class ChartNotesTest {
  private static String notes(Object... keysAndValues) {
    var install =
        new Helm(RenderedChart.CHART)
            .install()
            .withName("rel")
            .withNamespace("shop")
            .dryRun()
            .clientOnly();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      install = install.set((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  @Test
  void theNotesListTheServicesAndHowToCheckThem() {
    assertThat(notes())
        .contains("ext-authz: rel-ext-authz.shop.svc.cluster.local:9001 (admin :9003)")
        .contains("kubectl -n shop get pods -l app.kubernetes.io/instance=rel")
        .contains("kubectl get ap,rlp,tp -A")
        .contains("kubectl -n shop port-forward svc/rel-ratelimit-service 8080")
        .contains("curl -s localhost:8080/readyz");
  }

  @Test
  void theNotesTellHowToPointAmbassadorAtTheServices() {
    assertThat(notes())
        .contains("auth_service: rel-ext-authz.shop:9001, proto: grpc")
        .contains("service: rel-ratelimit-service.shop:8081, protocol_version: v3");
  }

  @Test
  void theNotesSayWhenEventsAreNotExported() {
    assertThat(notes()).contains("events: not exported");
    assertThat(notes("kafka.bootstrapServers", "kafka:9092"))
        .contains("events: Kafka at kafka:9092");
  }

  @Test
  void theNotesLeaveOutAServiceSwitchedOff() {
    assertThat(notes("ratelimit.enabled", false))
        .doesNotContain("ratelimit-service")
        .contains("port-forward svc/rel-ext-authz 9003");
  }
}
