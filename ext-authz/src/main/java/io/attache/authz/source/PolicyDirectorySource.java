package io.attache.authz.source;

import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyError;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.runtime.WatchedDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AuthPolicy} documents from the {@code *.yaml} files of a directory, watched. The whole set
 * applies only if every file is valid and no two policies share a name; otherwise every error is
 * logged with file and field, an {@code audit.config} event says why, and the policies in force
 * stay. Policies are tried in file-name order, then document order.
 */
public final class PolicyDirectorySource implements Supplier<List<AuthPolicy>>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyDirectorySource.class);

  private final Path directory;
  private final PolicyParser parser;
  private final EventSink events;
  private final AtomicReference<List<AuthPolicy>> current = new AtomicReference<>();
  private final WatchedDirectory watcher;

  public PolicyDirectorySource(
      Path directory, PolicyParser parser, EventSink events, Duration pollInterval) {
    this.directory = directory;
    this.parser = parser;
    this.events = events;
    this.watcher = new WatchedDirectory(directory, pollInterval, this::apply);
  }

  /** The policies in force; empty (everything denied by default) until a valid set loads. */
  @Override
  public List<AuthPolicy> get() {
    List<AuthPolicy> policies = current.get();
    return policies == null ? List.of() : policies;
  }

  /** True once a valid set of policies has loaded. */
  public boolean loaded() {
    return current.get() != null;
  }

  private void apply(List<WatchedDirectory.File> files) {
    List<AuthPolicy> policies = new ArrayList<>();
    List<PolicyError> errors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (WatchedDirectory.File file : files) {
      try {
        for (AuthPolicy policy : parser.parse(file.name(), file.content())) {
          if (!names.add(policy.name())) {
            errors.add(
                new PolicyError(
                    file.name(), "metadata.name", "duplicate policy '" + policy.name() + "'"));
          }
          policies.add(policy);
        }
      } catch (PolicyException e) {
        errors.addAll(e.errors());
      }
    }
    if (!errors.isEmpty()) {
      errors.forEach(error -> log.error("policies rejected, keeping the previous ones: {}", error));
      events.publish(
          change(
              ConfigChange.Outcome.REJECTED,
              String.join("; ", errors.stream().map(PolicyError::toString).toList())));
      return;
    }
    current.set(List.copyOf(policies));
    List<String> loaded = policies.stream().map(AuthPolicy::name).toList();
    log.info("policies loaded from {}: {}", directory, loaded);
    events.publish(change(ConfigChange.Outcome.APPLIED, "loaded policies " + loaded));
  }

  private ConfigChange change(ConfigChange.Outcome outcome, String message) {
    return new ConfigChange(
        "ext-authz",
        "File",
        Optional.empty(),
        directory.toString(),
        OptionalLong.empty(),
        outcome,
        message,
        Optional.empty());
  }

  @Override
  public void close() {
    watcher.close();
  }
}
