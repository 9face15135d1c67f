package io.attache.events;

/**
 * Where services send events. Services call it from the request path, so {@link #publish} must
 * return at once: it never waits for Kafka and never throws. (The Kafka sink may pause a publish
 * for a fraction of a millisecond to give its own thread the CPU; see {@code SinkPriority.IDLE}.)
 */
public interface EventSink extends AutoCloseable {

  /** Hands the event over; never waits for Kafka, never throws. A lost event is counted. */
  void publish(Event event);

  EventSinkStats stats();

  /** Stops accepting events and flushes what it holds: to Kafka, or to the spool. */
  @Override
  void close();

  /** A sink that discards everything, for tools and benchmarks that measure without Kafka. */
  static EventSink discarding() {
    return new EventSink() {
      @Override
      public void publish(Event event) {}

      @Override
      public EventSinkStats stats() {
        return new EventSinkStats(0, 0, 0, 0, 0, 0, 0);
      }

      @Override
      public void close() {}
    };
  }
}
