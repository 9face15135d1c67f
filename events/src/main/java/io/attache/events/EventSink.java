package io.attache.events;

/**
 * Where services send events. Services call it from the request path, so {@link #publish} must
 * return at once: it never blocks and never throws, whatever the state of Kafka.
 */
public interface EventSink extends AutoCloseable {

  /** Hands the event over; never blocks, never throws. A lost event is counted, never silent. */
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
        return new EventSinkStats(0, 0, 0, 0, 0, 0);
      }

      @Override
      public void close() {}
    };
  }
}
