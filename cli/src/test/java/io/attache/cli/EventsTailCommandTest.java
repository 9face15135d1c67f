package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class EventsTailCommandTest {

  @Test
  void printsOneLinePerEventFromTheBeginning(EmbeddedKafkaBroker broker) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  "tail.audit.authz",
                  "alice",
                  "{\"specversion\":\"1.0\",\"type\":\"io.attache.authz.decision.v1\",\"subject\":\"/orders\","
                      + "\"time\":\"2026-11-26T10:00:00Z\",\"sequence\":\"00000000000000000007\",\"data\":{}}"))
          .get();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exit =
        EventsTailCommand.tail(
            broker.bootstrapServers(),
            "tail.audit.authz",
            true,
            1,
            true,
            Duration.ofSeconds(30),
            new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("2026-11-26T10:00:00Z  io.attache.authz.decision.v1  #7  key=alice  /orders")
        .contains("\"specversion\":\"1.0\"");
  }
}
