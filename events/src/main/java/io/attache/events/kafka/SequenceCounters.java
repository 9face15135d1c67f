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
  private final Map<String, Long> next = new HashMap<>();
  private final Map<String, Long> reservedUpTo = new HashMap<>();

  SequenceCounters(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      Properties stored = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        stored.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read event sequences from " + file, e);
      }
      stored.forEach((topic, value) -> next.put((String) topic, Long.parseLong((String) value)));
    }
  }

  /** The next sequence number for a topic: 1, 2, 3, ... */
  long next(String topic) {
    long value = next.getOrDefault(topic, 1L);
    next.put(topic, value + 1);
    if (value + 1 > reservedUpTo.getOrDefault(topic, 0L)) {
      reservedUpTo.put(topic, value + BLOCK);
      write(reservedUpTo);
    }
    return value;
  }

  /** Records the exact next numbers, so a restart continues without a gap. */
  void close() {
    write(next);
  }

  private void write(Map<String, Long> values) {
    Map<String, Long> merged = new HashMap<>(next);
    merged.putAll(values);
    Properties properties = new Properties();
    merged.forEach((topic, value) -> properties.setProperty(topic, Long.toString(value)));
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
