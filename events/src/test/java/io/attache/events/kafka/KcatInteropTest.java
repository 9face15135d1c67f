package io.attache.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attache.events.SampleEvents;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client nobody here wrote (librdkafka's kcat) reads what the sink wrote. */
@ExtendWith(KafkaBrokerExtension.class)
class KcatInteropTest {

  @Test
  void kcatReadsTheCloudEventsWithTheirKeysAndHeaders(
      EmbeddedKafkaBroker broker, @TempDir Path spoolDir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")), "kcat is not installed");
    KafkaSinkConfig config =
        KafkaSinkConfig.builder(broker.bootstrapServers(), "/attache/test/kcat", spoolDir)
            .topicPrefix("kcat.")
            .build();
    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      sink.publish(SampleEvents.authz("carol", 1));
      sink.publish(SampleEvents.authz("dave", 2));
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == 2);
    }

    Process kcat =
        new ProcessBuilder(
                "/usr/bin/kcat",
                "-C",
                "-b",
                broker.bootstrapServers(),
                "-t",
                "kcat.audit.authz",
                "-o",
                "beginning",
                "-e",
                "-q",
                "-f",
                "%k\\t%h\\t%s\\n")
            .redirectErrorStream(true)
            .start();
    assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    List<String> lines = output.lines().filter(l -> !l.isBlank()).sorted().toList();
    assertThat(lines).hasSize(2);
    JsonMapper json = JsonMapper.builder().build();
    String[] carol = lines.get(0).split("\t", 3);
    assertThat(carol[0]).isEqualTo("carol");
    assertThat(carol[1]).contains("content-type=application/cloudevents+json");
    JsonNode event = json.readTree(carol[2]);
    assertThat(event.get("data").get("principal").asString()).isEqualTo("carol");
    assertThat(event.get("type").asString()).isEqualTo("io.attache.authz.decision.v1");
    assertThat(lines.get(1)).startsWith("dave\t");
  }
}
