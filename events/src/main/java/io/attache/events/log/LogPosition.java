package io.attache.events.log;

/** A place in the event log: a segment number and a byte offset in it. */
public record LogPosition(long segment, int offset) implements Comparable<LogPosition> {
  @Override
  public int compareTo(LogPosition other) {
    int bySegment = Long.compare(segment, other.segment);
    return bySegment != 0 ? bySegment : Integer.compare(offset, other.offset);
  }

  @Override
  public String toString() {
    return segment + ":" + offset;
  }
}
