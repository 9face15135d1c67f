package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.events.EventSink;
import io.attache.runtime.WatchedDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of Kubernetes YAML as the source of cluster state. Each document is checked on its
 * own: an invalid one is logged (every error, by file, document and field) and keeps its last good
 * version, or is left out if it never had one, while every valid document beside it is served (so a
 * control plane starting with one bad object still serves the rest and turns ready). Conflicts
 * between valid documents (one object defined twice) keep the last state served. Each applied or
 * rejected file is audited ({@code audit.config}, kind {@code File}).
 */
public final class ResourceDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceDirectory.class);

  private final ResourceParser parser;
  private final Consumer<ClusterState> listener;
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private final Path directory;
  private final ConfigAudit audit;
  private final Map<String, String> applied = new HashMap<>(); // file name -> content
  private final Map<String, String> lastGood = new HashMap<>(); // "file#document" -> its text
  private List<WatchedDirectory.File> published; // the documents of the last state handed on
  private final Map<String, String> reportedRejected = new HashMap<>(); // file -> content audited
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
    List<ResourceError> errors = new ArrayList<>();
    Set<String> rejectedFiles = new HashSet<>();
    Set<String> leftOut = new HashSet<>();
    List<WatchedDirectory.File> documents = goodDocuments(files, errors, rejectedFiles, leftOut);
    ParseResult result = parser.parse(documents);
    if (result instanceof ParseResult.Invalid invalid) {
      // Only conflicts between documents get here (one object defined twice, a port claimed
      // twice): each document is valid alone. They keep the last state served.
      errors.addAll(invalid.errors());
      lastErrors.set(List.copyOf(errors));
      for (ResourceError error : errors) {
        log.error("invalid resource, keeping the last good state: {}", error);
      }
      auditRejected(errors, Set.of());
      return;
    }
    ClusterState state = ((ParseResult.Parsed) result).state();
    for (ResourceError error : errors) {
      log.error("invalid resource, left out or kept at its last good version: {}", error);
    }
    List<ResourceError> problems = new ArrayList<>(errors);
    List<ResourceError> routeProblems = RouteProblems.of(state);
    routeProblems.forEach(p -> log.error("route problem: {}", p));
    problems.addAll(routeProblems);
    List<ResourceError> listenerProblems =
        ListenerProblems.of(GatewayTls.resolve(state).problems());
    listenerProblems.forEach(p -> log.error("listener left out: {}", p));
    problems.addAll(listenerProblems);
    lastErrors.set(List.copyOf(problems));
    if (!documents.equals(published)) {
      published = documents;
      log.info(
          "resources: {} services, {} endpoint slices, {} gateways, {} HTTPRoutes, {} TLS Secrets"
              + " from {} files",
          state.services().size(),
          state.endpoints().size(),
          state.gateways().size(),
          state.httpRoutes().size(),
          state.secrets().size(),
          files.size());
      listener.accept(state);
    }
    auditApplied(files, rejectedFiles);
    auditRejected(newlyRejected(files, rejectedFiles, errors), leftOut);
  }

  /** The errors of rejected files whose content changed since they were last reported. */
  private synchronized List<ResourceError> newlyRejected(
      List<WatchedDirectory.File> files, Set<String> rejectedFiles, List<ResourceError> errors) {
    Map<String, String> now = new HashMap<>();
    Set<String> unchanged = new HashSet<>();
    for (WatchedDirectory.File file : files) {
      if (rejectedFiles.contains(file.name())) {
        now.put(file.name(), file.content());
        if (file.content().equals(reportedRejected.get(file.name()))) {
          unchanged.add(file.name());
        }
      }
    }
    reportedRejected.clear();
    reportedRejected.putAll(now);
    return errors.stream().filter(e -> !unchanged.contains(e.file())).toList();
  }

  /**
   * Every document that is valid on its own, or, for one that is not, its last good version if it
   * had one (an invalid document never hides the valid ones beside it, in its file or in others). A
   * document is known by its file and number.
   */
  private List<WatchedDirectory.File> goodDocuments(
      List<WatchedDirectory.File> files,
      List<ResourceError> errors,
      Set<String> rejectedFiles,
      Set<String> leftOut) {
    Map<String, String> good = new LinkedHashMap<>();
    List<WatchedDirectory.File> documents = new ArrayList<>();
    for (WatchedDirectory.File file : files) {
      List<String> alone = ResourceParser.documentsAlone(file.content());
      for (int i = 0; i < alone.size(); i++) {
        if (alone.get(i) == null) {
          continue;
        }
        String key = file.name() + "#" + (i + 1);
        ParseResult one =
            parser.parse(List.of(new WatchedDirectory.File(file.name(), alone.get(i))));
        String text = alone.get(i);
        if (one instanceof ParseResult.Invalid invalid) {
          errors.addAll(invalid.errors());
          rejectedFiles.add(file.name());
          text = lastGood.get(key);
          if (text == null) {
            leftOut.add(key);
          }
        }
        if (text != null) {
          good.put(key, text);
          documents.add(new WatchedDirectory.File(file.name(), text));
        }
      }
    }
    lastGood.clear();
    lastGood.putAll(good);
    return List.copyOf(documents);
  }

  private synchronized void auditApplied(
      List<WatchedDirectory.File> files, Set<String> rejectedFiles) {
    Map<String, String> now = new HashMap<>();
    for (WatchedDirectory.File file : files) {
      if (rejectedFiles.contains(file.name())) {
        if (applied.containsKey(file.name())) {
          now.put(file.name(), applied.get(file.name())); // audited as rejected instead
        }
        continue;
      }
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

  /**
   * One {@code audit.config} event per file, saying what is served instead: the last good version
   * of its rejected documents, or nothing for those that never had one ({@code leftOut}, keys
   * {@code file#document}).
   */
  private void auditRejected(List<ResourceError> errors, Set<String> leftOut) {
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
                instead(file, fileErrors, leftOut) + ConfigAudit.describe(fileErrors)));
  }

  private static String instead(String file, List<ResourceError> errors, Set<String> leftOut) {
    Set<Integer> all = new java.util.TreeSet<>();
    Set<Integer> out = new java.util.TreeSet<>();
    for (ResourceError error : errors) {
      all.add(error.document());
      if (leftOut.contains(file + "#" + error.document())) {
        out.add(error.document());
      }
    }
    if (out.isEmpty()) {
      return "rejected, the last good state stays: ";
    }
    if (out.equals(all)) {
      return "rejected and left out (no earlier valid version): ";
    }
    return "rejected; documents "
        + out
        + " left out (no earlier valid version), the others keep their last good version: ";
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
