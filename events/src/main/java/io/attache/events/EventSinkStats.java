package io.attache.events;

/**
 * Counters of an event sink, for metrics.
 *
 * @param published events Kafka acknowledged straight from memory
 * @param spooled events written to the on-disk spool because Kafka was down or slow
 * @param replayed events Kafka acknowledged from the spool
 * @param dropped events lost: the spool (or, before it, the hand-off queue) was full, or the sink
 *     was closed
 * @param queued events waiting in memory for the sink's thread
 * @param spoolBytes bytes the spool holds now
 */
public record EventSinkStats(
    long published, long spooled, long replayed, long dropped, long queued, long spoolBytes) {}
