package io.attache.events.spool;

import java.util.Objects;

/** One Kafka record kept on disk: topic, key and value, as they will be sent. */
public record SpoolRecord(String topic, byte[] key, byte[] value) {
  public SpoolRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
