package io.attache.testsupport.kafka;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics from the beginning with a plain KafkaConsumer, as a team consuming events would. */
public final class TopicReader {
  private TopicReader() {}

  /**
   * Records of {@code topics} until at least {@code expected} arrived or {@code timeout} passed,
   * plus half a second more, so a duplicate trailing the expected count is seen too.
   */
  public static List<ConsumerRecord<String, String>> read(
      EmbeddedKafkaBroker broker, List<String> topics, int expected, Duration timeout) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "group.id",
                "reader-" + System.nanoTime(),
                "auto.offset.reset",
                "earliest",
                "isolation.level",
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(topics);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      long settle = System.nanoTime() + Duration.ofMillis(500).toNanos();
      while (System.nanoTime() < settle) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }
}
