package io.attache.events.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The position up to which Kafka has acknowledged the log, in a file of its own: one fixed-width
 * line, {@code segment offset crc32c}, overwritten in place ten times a second.
 *
 * <p>In place, not a new file renamed over the old one: on ext4, renaming over a file makes the
 * kernel write the new one out first, and that cost the shipper 0.15 µs per event. A line the
 * checksum does not match (a crash mid-write) is read as no checkpoint: the log is sent again from
 * its first segment, which only repeats events. Delivery is at least once anyway, since the
 * checkpoint trails what Kafka acknowledged; consumers dedupe by {@code id}.
 */
final class Checkpoint implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
  private static final int LINE_BYTES = 48;

  private final Path file;
  private final ByteBuffer line = ByteBuffer.allocate(LINE_BYTES);
  private FileChannel channel;

  Checkpoint(Path file) {
    this.file = file;
  }

  Optional<LogPosition> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" +");
      LogPosition position = new LogPosition(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
      if (parts.length < 3 || Long.parseLong(parts[2]) != checksum(position)) {
        throw new IllegalArgumentException("checksum does not match");
      }
      return Optional.of(position);
    } catch (IOException | RuntimeException unreadable) {
      log.error(
          "event log: unreadable checkpoint {} ({}); sending the log again from its first segment",
          file,
          unreadable.toString());
      return Optional.empty();
    }
  }

  void write(LogPosition position) {
    String text = position.segment() + " " + position.offset() + " " + checksum(position);
    line.clear();
    line.put(text.getBytes(StandardCharsets.US_ASCII));
    while (line.position() < LINE_BYTES - 1) {
      line.put((byte) ' ');
    }
    line.put((byte) '\n').flip();
    try {
      if (channel == null) {
        channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
      }
      while (line.hasRemaining()) {
        channel.write(line, line.position()); // the line starts at the file's first byte
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the event log checkpoint " + file, e);
    }
  }

  private static long checksum(LogPosition position) {
    CRC32C crc = new CRC32C();
    crc.update((position.segment() + ":" + position.offset()).getBytes(StandardCharsets.US_ASCII));
    return crc.getValue();
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("event log: closing the checkpoint failed: {}", e.toString());
      }
      channel = null;
    }
  }
}
