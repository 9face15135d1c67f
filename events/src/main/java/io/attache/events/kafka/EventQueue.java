package io.attache.events.kafka;

import io.attache.events.Event;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The bounded queue between the request threads, which publish, and the one sink thread, which
 * drains: many producers, one consumer, no lock and no allocation per event.
 *
 * <p>A {@code ArrayBlockingQueue} takes a lock on both sides, and the sink holds it for a whole
 * drain; a request thread that comes in meanwhile (on a shared core, by preempting the sink) parks
 * until the sink runs again, which costs that Check two context switches. Here each slot carries a
 * sequence number (Dmitry Vyukov's bounded queue): a producer claims a position with one CAS and
 * publishes its slot with a release store of the slot's sequence; the consumer reads the slots in
 * order and hands each back with a release store. Nobody ever waits for anybody.
 *
 * <p>The event and the time it was published are kept in parallel arrays, so publishing allocates
 * no wrapper. The capacity is rounded up to a power of two, and is at least 2.
 */
final class EventQueue {
  /** Receives drained events; the sink passes one instance, so draining allocates nothing. */
  @FunctionalInterface
  interface Consumer {
    void accept(Event event, long epochMillis);
  }

  private final int mask;
  private final AtomicLongArray sequences;
  private final Event[] events;
  private final long[] epochMillis;
  private final AtomicLong tail = new AtomicLong();
  // Written by the consumer only; read by size() from any thread.
  private final AtomicLong head = new AtomicLong();

  EventQueue(int capacity) {
    if (capacity <= 0 || capacity > 1 << 30) {
      throw new IllegalArgumentException("capacity must be in 1..2^30: " + capacity);
    }
    // At least two slots: with one, a filled slot's sequence (position + 1) would read as free for
    // the next lap, and a full queue would overwrite its only event.
    int size = Math.max(2, Integer.highestOneBit(capacity));
    if (size < capacity) {
      size <<= 1;
    }
    this.mask = size - 1;
    this.sequences = new AtomicLongArray(size);
    for (int i = 0; i < size; i++) {
      sequences.set(i, i);
    }
    this.events = new Event[size];
    this.epochMillis = new long[size];
  }

  /** How many events the queue holds at most. */
  int capacity() {
    return mask + 1;
  }

  /** Adds the event unless the queue is full; never blocks. Safe from any number of threads. */
  boolean offer(Event event, long publishedEpochMillis) {
    long position = tail.get();
    while (true) {
      int index = (int) position & mask;
      long difference = sequences.getAcquire(index) - position;
      if (difference == 0) {
        if (tail.compareAndSet(position, position + 1)) {
          events[index] = event;
          epochMillis[index] = publishedEpochMillis;
          sequences.setRelease(index, position + 1);
          return true;
        }
        position = tail.get();
      } else if (difference < 0) {
        // The slot still holds the event from one lap ago: full.
        return false;
      } else {
        // Another producer took this position; try the current one.
        position = tail.get();
      }
    }
  }

  /**
   * Hands up to {@code max} events to {@code consumer}, oldest first; returns how many. One thread
   * at a time: the sink's, or another once the sink's has ended (two drains at once could hand the
   * same event to both). An event whose producer has claimed its slot but not yet filled it ends
   * the drain; the next one takes it.
   */
  int drain(Consumer consumer, int max) {
    long position = head.get();
    int drained = 0;
    while (drained < max) {
      int index = (int) position & mask;
      if (sequences.getAcquire(index) != position + 1) {
        break;
      }
      Event event = events[index];
      long published = epochMillis[index];
      events[index] = null;
      sequences.setRelease(index, position + mask + 1);
      position++;
      head.lazySet(position);
      drained++;
      consumer.accept(event, published);
    }
    return drained;
  }

  /** Events waiting, as seen at some moment during the call. */
  int size() {
    long size = tail.get() - head.get();
    return (int) Math.max(0, Math.min(size, capacity()));
  }
}
