package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.events.EventSink;
import io.attache.runtime.WatchedDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of Kubernetes YAML as the source of cluster state. Each change of the directory is
 * parsed whole; a valid read goes to the listener, an invalid one is logged (every error, by file
 * and field) and dropped, so the last good state stays in force. Each applied or rejected file is
 * audited ({@code audit.config}, kind {@code File}).
 */
public final class ResourceDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceDirectory.class);

  private final ResourceParser parser;
  private final Consumer<ClusterState> listener;
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private final Path directory;
  private final ConfigAudit audit;
  private final Map<String, String> applied = new HashMap<>(); // file name -> content
  private final WatchedDirectory watch;

  /** Reads {@code directory} now (the listener may be called before this returns), then polls. */
  public ResourceDirectory(Path directory, Duration interval, Consumer<ClusterState> listener) {
    this(directory, interval, listener, EventSink.discarding());
  }

  /** As above, and audits every applied or rejected file to {@code events}. */
  public ResourceDirectory(
      Path directory, Duration interval, Consumer<ClusterState> listener, EventSink events) {
    this(directory, interval, listener, events, GatewayConverter.DEFAULT_CLASS);
  }

  /** As above, serving Gateways of {@code gatewayClass}. */
  public ResourceDirectory(
      Path directory,
      Duration interval,
      Consumer<ClusterState> listener,
      EventSink events,
      String gatewayClass) {
    this.parser = new ResourceParser(gatewayClass);
    this.listener = listener;
    this.directory = directory;
    this.audit = new ConfigAudit(events);
    this.watch = new WatchedDirectory(directory, interval, this::onFiles);
  }

  private void onFiles(List<WatchedDirectory.File> files) {
    ParseResult result = parser.parse(files);
    if (result instanceof ParseResult.Parsed parsed) {
      List<ResourceError> problems = new ArrayList<>(RouteProblems.of(parsed.state()));
      problems.forEach(p -> log.error("route problem: {}", p));
      List<ResourceError> listenerProblems =
          ListenerProblems.of(GatewayTls.resolve(parsed.state()).problems());
      listenerProblems.forEach(p -> log.error("listener left out: {}", p));
      problems.addAll(listenerProblems);
      lastErrors.set(List.copyOf(problems));
      log.info(
          "resources: {} services, {} endpoint slices, {} gateways, {} HTTPRoutes, {} TLS Secrets"
              + " from {} files",
          parsed.state().services().size(),
          parsed.state().endpoints().size(),
          parsed.state().gateways().size(),
          parsed.state().httpRoutes().size(),
          parsed.state().secrets().size(),
          files.size());
      listener.accept(parsed.state());
      auditApplied(files);
    } else if (result instanceof ParseResult.Invalid invalid) {
      lastErrors.set(invalid.errors());
      for (ResourceError error : invalid.errors()) {
        log.error("invalid resource, keeping the last good state: {}", error);
      }
      auditRejected(invalid.errors());
    }
  }

  private synchronized void auditApplied(List<WatchedDirectory.File> files) {
    Map<String, String> now = new HashMap<>();
    for (WatchedDirectory.File file : files) {
      now.put(file.name(), file.content());
      if (!file.content().equals(applied.get(file.name()))) {
        String what =
            parser.parse(List.of(file)) instanceof ParseResult.Parsed one
                ? one.state().services().size()
                    + " services, "
                    + one.state().endpoints().size()
                    + " endpoint slices, "
                    + one.state().gateways().size()
                    + " gateways, "
                    + one.state().httpRoutes().size()
                    + " HTTPRoutes, "
                    + one.state().secrets().size()
                    + " TLS Secrets"
                : "its documents";
        audit.applied(
            "File",
            Optional.empty(),
            path(file.name()),
            OptionalLong.empty(),
            (applied.containsKey(file.name()) ? "changed: " : "added: ") + what + " applied");
      }
    }
    for (String gone : applied.keySet()) {
      if (!now.containsKey(gone)) {
        audit.applied(
            "File",
            Optional.empty(),
            path(gone),
            OptionalLong.empty(),
            "removed: its resources are no longer served");
      }
    }
    applied.clear();
    applied.putAll(now);
  }

  private void auditRejected(List<ResourceError> errors) {
    Map<String, List<ResourceError>> byFile = new TreeMap<>();
    for (ResourceError error : errors) {
      byFile.computeIfAbsent(error.file(), f -> new ArrayList<>()).add(error);
    }
    byFile.forEach(
        (file, fileErrors) ->
            audit.rejected(
                "File",
                Optional.empty(),
                path(file),
                OptionalLong.empty(),
                "rejected, the last good state stays: " + ConfigAudit.describe(fileErrors)));
  }

  private String path(String file) {
    return directory.resolve(file).toString();
  }

  /** The errors of the last read; empty when it was valid. */
  public List<ResourceError> lastErrors() {
    return lastErrors.get();
  }

  /** Reads the directory now instead of waiting for the next poll. */
  public void poll() {
    watch.poll();
  }

  @Override
  public void close() {
    watch.close();
  }
}
