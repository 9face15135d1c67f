package io.attache.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a directory of {@code *.yaml} / {@code *.yml} files and hands their names and contents to a
 * listener whenever anything changed, in name order. Polling, not file-system events, so symlink
 * swaps (Kubernetes ConfigMap volumes) are seen too; dot entries are skipped; a file that vanishes
 * while being read makes the poll retry later rather than hand over half a directory.
 */
public final class WatchedDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchedDirectory.class);

  /** One file: its path as a string (for error messages) and its text. */
  public record File(String name, String content) {}

  private final Path directory;
  private final Consumer<List<File>> listener;
  private final ScheduledExecutorService poller;
  private List<File> last;

  /**
   * Reads the directory now (the listener sees it before this returns), then every {@code
   * interval}.
   */
  public WatchedDirectory(Path directory, Duration interval, Consumer<List<File>> listener) {
    this.directory = directory;
    this.listener = listener;
    poll();
    this.poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-watch"));
    long millis = Math.max(50, interval.toMillis());
    poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      log.error("reading {} failed", directory, e);
    }
  }

  /** Hands the files to the listener if they changed since the last poll. */
  public synchronized void poll() {
    Optional<List<File>> files = read();
    if (files.isEmpty() || files.get().equals(last)) {
      return;
    }
    last = files.get();
    listener.accept(last);
  }

  private Optional<List<File>> read() {
    if (!Files.isDirectory(directory)) {
      if (last == null) {
        log.warn("directory {} does not exist: nothing is configured from it", directory);
      }
      return Optional.of(List.of());
    }
    List<Path> paths;
    try (var entries = Files.list(directory)) {
      paths =
          entries
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    List<File> files = new ArrayList<>();
    for (Path path : paths) {
      try {
        files.add(new File(path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(files);
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
