package io.attache.events.kafka;

/** How the event sink's threads (its own and the Kafka producer's) share the CPU with requests. */
public enum SinkPriority {
  /**
   * Linux's {@code SCHED_IDLE}: the sink runs on time no request thread wants, so publishing adds
   * nothing to a Check's wait for a core. If it falls half a queue behind for want of CPU, each
   * publish pauses for {@link KafkaEventSink#BACKPRESSURE_PAUSE_NANOS} to give it the core: under
   * sustained overload requests slow down rather than events being lost.
   */
  IDLE,
  /** The sink's threads compete for the CPU as equals of the request threads. */
  NORMAL
}
