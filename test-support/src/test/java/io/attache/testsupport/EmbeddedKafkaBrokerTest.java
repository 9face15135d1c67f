package io.attache.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaBrokerTest {

  @Test
  void recordsWrittenToTheSharedBrokerAreReadBack(EmbeddedKafkaBroker broker) throws Exception {
    produce(broker, "shared-roundtrip", "k", "hello");

    assertThat(consumeAll(broker, "shared-roundtrip", 1)).containsExactly("hello");
  }

  @Test
  void theSameBrokerIsInjectedEverywhereInTheJvm(
      EmbeddedKafkaBroker first, EmbeddedKafkaBroker second) {
    assertThat(first).isSameAs(second);
  }

  @Test
  void aRestartedBrokerKeepsItsDataAndItsAddress() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew(1)) {
      String address = broker.bootstrapServers();
      produce(broker, "restart", "k", "before");

      broker.stop();
      assertThat(broker.isRunning()).isFalse();
      broker.start();

      produce(broker, "restart", "k", "after");
      assertThat(broker.bootstrapServers()).isEqualTo(address);
      assertThat(consumeAll(broker, "restart", 2)).containsExactly("before", "after");
    }
  }

  static void produce(EmbeddedKafkaBroker broker, String topic, String key, String value)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  static List<String> consumeAll(EmbeddedKafkaBroker broker, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "group.id",
                "test-" + System.nanoTime(),
                "auto.offset.reset",
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
