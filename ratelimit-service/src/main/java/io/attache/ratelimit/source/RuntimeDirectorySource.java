package io.attache.ratelimit.source;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.ratelimit.config.ConfigError;
import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.runtime.WatchedDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
public final class RuntimeDirectorySource implements ConfigFeed {
  private static final Logger log = LoggerFactory.getLogger(RuntimeDirectorySource.class);

  private final Path directory;
  private final ConfigParser parser;
  private final EventSink events;
  private final java.util.function.Consumer<RateLimitConfig> listener;
  private final AtomicReference<RateLimitConfig> current = new AtomicReference<>();
  private final AtomicReference<List<ConfigError>> lastErrors = new AtomicReference<>(List.of());
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong loadErrors = new AtomicLong();
  private final WatchedDirectory watcher;

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
    this.watcher = new WatchedDirectory(directory, pollInterval, this::apply);
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

  /** Applies the directory's files if they are all valid; otherwise keeps what is in force. */
  private void apply(List<WatchedDirectory.File> files) {
    List<ConfigParser.Source> sources = new ArrayList<>(files.size());
    for (WatchedDirectory.File file : files) {
      sources.add(new ConfigParser.Source(file.name(), file.content()));
    }
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

  @Override
  public void close() {
    watcher.close();
  }
}
