package io.attache.testsupport.kafka;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from the beginning with a plain KafkaConsumer, as a team consuming events would. The
 * consumer is assigned every partition rather than subscribed: joining a consumer group took longer
 * than a short read on a loaded machine, which then read nothing (KafkaQuotaTest's flake).
 */
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
      long deadline = System.nanoTime() + timeout.toNanos();
      List<TopicPartition> partitions = partitions(consumer, topics, deadline);
      if (partitions.isEmpty()) {
        return records; // no such topic yet: nothing to read
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
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

  /** Every partition of {@code topics}, waiting until each exists or {@code deadline} passes. */
  private static List<TopicPartition> partitions(
      KafkaConsumer<String, String> consumer, List<String> topics, long deadline) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = partitionsFor(consumer, topic, deadline);
      while (infos.isEmpty() && System.nanoTime() < deadline) {
        sleep();
        infos = partitionsFor(consumer, topic, deadline);
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    return partitions;
  }

  /**
   * The topic's partitions, none while it is being created: asking waits at most until {@code
   * deadline}, and a timeout (a topic whose leader is not elected yet) reads as none, as a
   * subscription read nothing.
   */
  private static List<PartitionInfo> partitionsFor(
      KafkaConsumer<String, String> consumer, String topic, long deadline) {
    long left = Math.max(1, deadline - System.nanoTime());
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofNanos(left));
      return infos == null ? List.of() : infos;
    } catch (TimeoutException e) {
      return List.of();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
