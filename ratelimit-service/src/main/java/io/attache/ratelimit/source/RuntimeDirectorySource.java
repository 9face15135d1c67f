package io.attache.ratelimit.source;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.ratelimit.config.ConfigError;
import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.runtime.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference's file configuration: every {@code *.yaml} / {@code *.yml} in {@code
 * RUNTIME_ROOT/RUNTIME_SUBDIRECTORY/RUNTIME_APPDIRECTORY}, read in name order.
 *
 * <p>It polls (default every second) rather than trusting file-system events, so both reload styles
 * of the reference work: a symlink swap of {@code RUNTIME_ROOT} and edits in place (Kubernetes
 * ConfigMap volumes, whose files are symlinks into a swapped {@code ..data} directory; dot entries
 * are skipped). A change is applied only if every file is valid; otherwise each error is logged
 * with file, line and field, counted, reported as an {@code audit.config} event, and the last good
 * configuration stays.
 */
public final class RuntimeDirectorySource implements Supplier<RateLimitConfig>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuntimeDirectorySource.class);

  private final Path directory;
  private final ConfigParser parser;
  private final EventSink events;
  private final java.util.function.Consumer<RateLimitConfig> listener;
  private final AtomicReference<RateLimitConfig> current = new AtomicReference<>();
  private final AtomicReference<List<ConfigError>> lastErrors = new AtomicReference<>(List.of());
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong loadErrors = new AtomicLong();
  private final ScheduledExecutorService poller;
  private List<ConfigParser.Source> lastSources;

  public RuntimeDirectorySource(
      Path directory, ConfigParser parser, EventSink events, Duration pollInterval) {
    this(directory, parser, events, pollInterval, config -> {});
  }

  /** As above; {@code listener} hears of every configuration applied, the first one included. */
  public RuntimeDirectorySource(
      Path directory,
      ConfigParser parser,
      EventSink events,
      Duration pollInterval,
      java.util.function.Consumer<RateLimitConfig> listener) {
    this.directory = directory;
    this.parser = parser;
    this.events = events;
    this.listener = listener;
    reload();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ratelimit-config-poller"));
    long millis = Math.max(50, pollInterval.toMillis());
    poller.scheduleWithFixedDelay(this::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** The configuration in force; null only if the very first load failed. */
  @Override
  public RateLimitConfig get() {
    return current.get();
  }

  public Path directory() {
    return directory;
  }

  public long loadSuccesses() {
    return loads.get();
  }

  public long loadErrors() {
    return loadErrors.get();
  }

  /** The errors of the last rejected load, empty if the last load succeeded. */
  public List<ConfigError> lastErrors() {
    return lastErrors.get();
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      log.error("config reload from {} failed", directory, e);
    }
  }

  /** Loads the directory if anything in it changed since the last attempt. */
  public synchronized void reload() {
    Optional<List<ConfigParser.Source>> read = readSources();
    if (read.isEmpty() || read.get().equals(lastSources)) {
      return;
    }
    List<ConfigParser.Source> sources = read.get();
    lastSources = sources;
    try {
      RateLimitConfig config = parser.load(sources);
      current.set(config);
      listener.accept(config);
      lastErrors.set(List.of());
      loads.incrementAndGet();
      log.info(
          "config loaded from {}: {} file(s), domains {}, version {}",
          directory,
          sources.size(),
          config.domains().keySet(),
          config.version());
      events.publish(
          change(
              ConfigChange.Outcome.APPLIED,
              "loaded domains " + config.domains().keySet(),
              Optional.of(config.version())));
    } catch (ConfigException e) {
      lastErrors.set(e.errors());
      loadErrors.incrementAndGet();
      for (ConfigError error : e.errors()) {
        log.error("config rejected, keeping the previous one: {}", error);
      }
      events.publish(change(ConfigChange.Outcome.REJECTED, e.getMessage(), Optional.empty()));
    }
  }

  private ConfigChange change(
      ConfigChange.Outcome outcome, String message, Optional<String> version) {
    return new ConfigChange(
        "ratelimit-service",
        "File",
        Optional.empty(),
        directory.toString(),
        OptionalLong.empty(),
        outcome,
        message,
        version);
  }

  /** The files now, or empty when one vanished while reading (retried at the next poll). */
  private Optional<List<ConfigParser.Source>> readSources() {
    if (!Files.isDirectory(directory)) {
      if (lastSources == null) {
        log.warn("config directory {} does not exist: no limits are configured", directory);
      }
      return Optional.of(List.of());
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    List<ConfigParser.Source> sources = new ArrayList<>();
    for (Path file : files) {
      try {
        sources.add(
            new ConfigParser.Source(
                file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        // Vanished between listing and reading (a ConfigMap swap): never load half a directory.
        return Optional.empty();
      }
    }
    return Optional.of(sources);
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
