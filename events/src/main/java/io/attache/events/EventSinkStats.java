package io.attache.events;

/**
 * Counters of an event sink, for metrics.
 *
 * @param logged events written to the local event log since start
 * @param published events Kafka acknowledged since start (after a crash, events sent again count
 *     again)
 * @param dropped events lost: not logged (the log full, under {@code drop}) or refused by Kafka for
 *     good (too large, not authorised)
 * @param rejected events that could not be logged under {@code reject}: their decisions were
 *     replaced by the service's failure rule
 * @param corrupt records of the log found corrupt and skipped
 * @param backlogBytes bytes in the log not yet acknowledged by Kafka
 */
public record EventSinkStats(
    long logged, long published, long dropped, long rejected, long corrupt, long backlogBytes) {

  public static final EventSinkStats NONE = new EventSinkStats(0, 0, 0, 0, 0, 0);
}
