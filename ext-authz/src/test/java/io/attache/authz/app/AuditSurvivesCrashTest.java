package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.FreePorts;
import io.attache.testsupport.crash.AuditTrail;
import io.attache.testsupport.crash.CrashLoad;
import io.attache.testsupport.kafka.KafkaBrokerProcess;
import io.attache.testsupport.process.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail survives the process being killed (issue #20): ext-authz runs in a child JVM in
 * Emissary's HTTP mode, publishing to a Kafka broker in another process, under load from eight
 * keep-alive clients; it is killed with SIGKILL, then started again on the same event log. Every
 * decision a client received is in {@code audit.authz} (found by its {@code x-request-id}), and the
 * {@code sequence} runs 1, 2, 3, … without a gap, across the kill and on after the restart.
 */
class AuditSurvivesCrashTest {
  private static final String POLICY =
      """
      kind: AuthPolicy
      metadata: {name: public}
      spec:
        match: {hosts: ["*"]}
        identity: [{anonymous: {}}]
      """;

  @TempDir Path dir;

  @Test
  void everyAnsweredDecisionIsInKafkaAfterSigkillAndTheSequenceHasNoGap() throws Exception {
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/public.yaml"), POLICY);
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("broker.log"))) {
      String bootstrap = broker.bootstrapServers();
      int[] ports = FreePorts.next(3);
      Map<String, String> env =
          Map.of(
              "HOST", "127.0.0.1",
              "GRPC_PORT", String.valueOf(ports[0]),
              "HTTP_PORT", String.valueOf(ports[1]),
              "ADMIN_PORT", String.valueOf(ports[2]),
              "ATTACHE_POLICY_DIR", dir.resolve("policies").toString(),
              "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
              "ATTACHE_INSTANCE", "crash-test",
              "ATTACHE_SPOOL_DIR", dir.resolve("log").toString());
      String ready = "http://127.0.0.1:" + ports[2] + "/readyz";

      CrashLoad.Result load;
      try (ChildJvm first =
          ChildJvm.start(ExtAuthzMain.class.getName(), env, dir.resolve("1.log"))) {
        first.awaitReady(ready, Duration.ofSeconds(60));
        load = CrashLoad.untilKilled(8, Duration.ofSeconds(3), first, t -> client(ports[1]));
      }
      assertThat(load.answered()).hasSizeGreaterThan(500);

      Set<String> afterRestart = new HashSet<>();
      try (ChildJvm second =
          ChildJvm.start(ExtAuthzMain.class.getName(), env, dir.resolve("2.log"))) {
        second.awaitReady(ready, Duration.ofSeconds(60));
        CrashLoad.Call call = client(ports[1]);
        for (int i = 0; i < 50; i++) {
          String id = "after-" + i;
          assertThat(call.call(id)).isTrue();
          afterRestart.add(id);
        }
        Set<String> expected = new HashSet<>(load.answered());
        expected.addAll(afterRestart);
        AuditTrail trail =
            AuditTrail.read(bootstrap, "attache.audit.authz", expected, Duration.ofSeconds(60));
        AuditTrail.Report report = trail.check(expected);

        System.out.printf(
            "crash: %d answered before SIGKILL, %d events read (%d distinct), last sequence %d%n",
            load.answered().size(), report.events(), report.distinct(), report.maxSequence());
        assertThat(report.problems()).isEmpty();
        assertThat(firstSequence(trail, afterRestart, true))
            .as("numbering after the restart follows the last event logged before the kill")
            .isEqualTo(lastSequence(trail, afterRestart) + 1);
        second.stop(Duration.ofSeconds(20));
      }
    }
  }

  private static long firstSequence(AuditTrail trail, Set<String> requestIds, boolean among) {
    return trail.events().stream()
        .filter(e -> requestIds.contains(e.requestId()) == among)
        .mapToLong(AuditTrail.Event::sequence)
        .min()
        .orElseThrow();
  }

  private static long lastSequence(AuditTrail trail, Set<String> excluded) {
    return trail.events().stream()
        .filter(e -> !excluded.contains(e.requestId()))
        .mapToLong(AuditTrail.Event::sequence)
        .max()
        .orElseThrow();
  }

  /** One keep-alive HTTP/1.1 client; a call is answered when a 200 arrives in full. */
  private static CrashLoad.Call client(int port) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    return requestId -> {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/1"))
                  .header("x-request-id", requestId)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    };
  }
}
