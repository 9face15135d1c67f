package io.attache.events.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The per-topic {@code sequence} of one source, kept across restarts in the spool directory so a
 * consumer sees one unbroken series per source and topic.
 *
 * <p>To avoid a disk write per event it reserves blocks: the file holds a bound no issued number
 * reaches. After a crash numbering resumes at that bound (a gap, which honestly says events may be
 * missing); after a clean close it resumes exactly where it stopped. Single-threaded.
 */
final class SequenceCounters {
  private static final long BLOCK = 10_000;

  private final Path file;
  private final Map<String, Counter> counters = new HashMap<>();

  /** One topic's numbers; mutable, so numbering an event boxes nothing. */
  private static final class Counter {
    long next = 1;
    long reservedUpTo;
  }

  SequenceCounters(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      Properties stored = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        stored.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read event sequences from " + file, e);
      }
      stored.forEach(
          (topic, value) -> counter((String) topic).next = Long.parseLong((String) value));
    }
  }

  private Counter counter(String topic) {
    return counters.computeIfAbsent(topic, t -> new Counter());
  }

  /** The next sequence number for a topic: 1, 2, 3, ... */
  long next(String topic) {
    Counter counter = counter(topic);
    long value = counter.next++;
    if (counter.next > counter.reservedUpTo) {
      counter.reservedUpTo = value + BLOCK;
      write(true);
    }
    return value;
  }

  /** Records the exact next numbers, so a restart continues without a gap. */
  void close() {
    write(false);
  }

  /**
   * Writes every topic's bound: for a topic that has reserved a block, its end when {@code
   * reserved} (numbering may go on up to it before the next write), else the exact next number.
   */
  private void write(boolean reserved) {
    Properties properties = new Properties();
    counters.forEach(
        (topic, counter) ->
            properties.setProperty(
                topic,
                Long.toString(
                    reserved && counter.reservedUpTo > 0 ? counter.reservedUpTo : counter.next)));
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      properties.store(writer, "next sequence per topic");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event sequences to " + file, e);
    }
    try {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event sequences to " + file, e);
    }
  }
}
