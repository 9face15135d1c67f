package io.attache.testsupport.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A topic read back as a security team would, and checked against the calls a service answered: is
 * every answered call there (by request id), do duplicates agree, and is the {@code sequence}
 * unbroken. Fields are read with patterns, which the encoder's fixed field order makes exact.
 */
public final class AuditTrail {
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
  private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":\"(\\d{20})\"");
  private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");

  /** One event as read. */
  public record Event(String id, long sequence, String requestId, String json) {}

  /**
   * What the topic holds against what was answered.
   *
   * @param missing answered request ids with no event
   * @param events events read, duplicates included
   * @param distinct distinct event ids
   * @param conflicting event ids read twice with different content
   * @param gaps sequence numbers between 1 and the highest that no event carries
   * @param maxSequence the highest sequence
   */
  public record Report(
      Set<String> missing,
      int events,
      int distinct,
      Set<String> conflicting,
      List<Long> gaps,
      long maxSequence) {

    /**
     * What breaks the guarantee, one line each; empty when every answered call has its event,
     * duplicates are the same event, and the sequence runs 1..max, one number per event.
     */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (!missing.isEmpty()) {
        problems.add(missing.size() + " answered calls without an event, e.g. " + first(missing));
      }
      if (!conflicting.isEmpty()) {
        problems.add("one id on different events: " + first(conflicting));
      }
      if (!gaps.isEmpty()) {
        problems.add("sequence numbers no event carries: " + gaps);
      }
      if (distinct != maxSequence) {
        problems.add(distinct + " distinct events for sequences 1.." + maxSequence);
      }
      return problems;
    }

    private static String first(Set<String> values) {
      return values.iterator().next();
    }
  }

  private final List<Event> events;

  private AuditTrail(List<Event> events) {
    this.events = events;
  }

  /**
   * Reads {@code topic} from the beginning until every id in {@code expected} has been seen or
   * {@code timeout} passed, and half a second more so trailing duplicates are seen too.
   */
  public static AuditTrail read(
      String bootstrap, String topic, Set<String> expected, Duration timeout) {
    List<Event> events = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "group.id",
                "audit-" + System.nanoTime(),
                "auto.offset.reset",
                "earliest",
                "max.poll.records",
                5000),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          Event event = parse(record.value());
          events.add(event);
          seen.add(event.requestId());
        }
        if (settleUntil == Long.MAX_VALUE && seen.containsAll(expected)) {
          settleUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
        }
      }
    }
    return new AuditTrail(events);
  }

  private static Event parse(String json) {
    return new Event(
        group(ID, json), Long.parseLong(group(SEQUENCE, json)), group(REQUEST_ID, json), json);
  }

  private static String group(Pattern pattern, String json) {
    Matcher matcher = pattern.matcher(json);
    return matcher.find() ? matcher.group(1) : "";
  }

  public List<Event> events() {
    return events;
  }

  /** The trail against the request ids a service answered. */
  public Report check(Set<String> answered) {
    Map<String, Event> byId = new HashMap<>();
    Set<String> conflicting = new TreeSet<>();
    Set<String> requestIds = new HashSet<>();
    TreeSet<Long> sequences = new TreeSet<>();
    for (Event event : events) {
      Event first = byId.putIfAbsent(event.id(), event);
      if (first != null && !first.json().equals(event.json())) {
        conflicting.add(event.id());
      }
      requestIds.add(event.requestId());
      sequences.add(event.sequence());
    }
    Set<String> missing = new TreeSet<>(answered);
    missing.removeAll(requestIds);
    long max = sequences.isEmpty() ? 0 : sequences.last();
    List<Long> gaps = new ArrayList<>();
    for (long s = 1; s <= max && gaps.size() < 100; s++) {
      if (!sequences.contains(s)) {
        gaps.add(s);
      }
    }
    return new Report(missing, events.size(), byId.size(), conflicting, gaps, max);
  }
}
