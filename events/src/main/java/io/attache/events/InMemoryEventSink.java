package io.attache.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps events in memory: for offline tools that print the events a decision would produce, and for
 * tests of the services that emit them.
 */
public final class InMemoryEventSink implements EventSink {
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  @Override
  public boolean publish(Event event) {
    events.add(event);
    return true;
  }

  /** What was published so far, in order. */
  public List<Event> events() {
    return new ArrayList<>(events);
  }

  @Override
  public EventSinkStats stats() {
    return new EventSinkStats(events.size(), events.size(), 0, 0, 0, 0);
  }

  @Override
  public void close() {}
}
