package io.attache.events.log;

import io.attache.events.EventType;

/**
 * One event read back from the log: what to send to Kafka, and where it ends (what may be
 * checkpointed once Kafka has acknowledged it).
 *
 * @param type the event's type, which names its topic
 * @param sequence its CloudEvents {@code sequence}, also written in {@code value}
 * @param key the Kafka record key (empty: no key)
 * @param value the CloudEvents JSON document
 */
public record LogEntry(
    LogPosition start, LogPosition end, EventType type, long sequence, byte[] key, byte[] value) {}
