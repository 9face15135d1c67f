package io.attache.events;

/**
 * Where services send events. Services call it from the request path, before the answer the event
 * records leaves: {@link #publish} never waits for Kafka and never throws.
 */
public interface EventSink extends AutoCloseable {

  /**
   * Records the event; never waits for Kafka, never throws. Returns whether the answer it records
   * may leave as decided: true when the event is recorded, and also when it could not be and the
   * sink drops it (counted and logged); false only when it could not be recorded and the sink is
   * set to reject ({@code ATTACHE_EVENTS_WHEN_FULL=reject}): the caller must then not give that
   * answer, and applies its own failure rule instead.
   */
  boolean publish(Event event);

  EventSinkStats stats();

  /** Stops accepting events and delivers what it can of what it holds; the rest stays recorded. */
  @Override
  void close();

  /** A sink that discards everything, for tools and benchmarks that measure without Kafka. */
  static EventSink discarding() {
    return new EventSink() {
      @Override
      public boolean publish(Event event) {
        return true;
      }

      @Override
      public EventSinkStats stats() {
        return EventSinkStats.NONE;
      }

      @Override
      public void close() {}
    };
  }
}
