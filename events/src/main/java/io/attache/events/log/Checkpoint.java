package io.attache.events.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The position up to which Kafka has acknowledged the log, in a file of its own ({@code segment
 * offset}), replaced atomically. A stale checkpoint (a machine crash before the rename reached the
 * disk) only sends some events again: delivery is at least once, and consumers dedupe by {@code
 * id}.
 */
final class Checkpoint {
  private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
  private final Path file;

  Checkpoint(Path file) {
    this.file = file;
  }

  Optional<LogPosition> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
      return Optional.of(new LogPosition(Long.parseLong(parts[0]), Integer.parseInt(parts[1])));
    } catch (IOException | RuntimeException unreadable) {
      log.error(
          "event log: unreadable checkpoint {} ({}); sending the log again from its first segment",
          file,
          unreadable.toString());
      return Optional.empty();
    }
  }

  void write(LogPosition position) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, position.segment() + " " + position.offset() + "\n");
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the event log checkpoint " + file, e);
    }
  }
}
