package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.GatewayTls;
import io.attache.events.EventSink;
import io.attache.runtime.WatchedDirectory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * A directory of Kubernetes YAML as the source of cluster state. Each document is converted on its
 * own through a {@link ResourceStore}, as objects from the API are: an invalid one is logged (every
 * error, by file, document and field) and keeps its object's last good version, or is left out if
 * it never had one, while every valid document beside it is served (so a control plane starting
 * with one bad object still serves the rest and turns ready). Conflicts between valid documents
 * (one object defined twice, a port claimed twice) keep the last state served. Each applied or
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
  private final ResourceStore store = new ResourceStore(false);
  private Map<String, ObjectKey> keysAt = Map.of(); // "file#document" -> the object it held
  private ClusterState published; // the last state handed on
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
    Read read = read(files);
    if (!read.conflicts().isEmpty()) {
      // Conflicts between documents (one object defined twice, a port claimed twice), each
      // valid alone: no document can be preferred, so the last state served stays.
      store.abandonRead();
      List<ResourceError> errors = new ArrayList<>(read.errors());
      errors.addAll(read.settled());
      errors.addAll(read.conflicts());
      lastErrors.set(List.copyOf(errors));
      for (ResourceError error : errors) {
        log.error("invalid resource, keeping the last good state: {}", error);
      }
      auditRejected(errors, Set.of(), Set.of());
      return;
    }
    store.finishRead();
    keysAt = read.keysAt();
    ClusterState state = read.state();
    for (ResourceError error : read.errors()) {
      log.error("invalid resource, left out or kept at its last good version: {}", error);
    }
    List<ResourceError> problems = new ArrayList<>(read.errors());
    read.settled().forEach(p -> log.error("invalid resource, left out: {}", p));
    problems.addAll(read.settled());
    List<ResourceError> routeProblems = RouteProblems.of(state);
    routeProblems.forEach(p -> log.error("route problem: {}", p));
    problems.addAll(routeProblems);
    List<ResourceError> listenerProblems =
        ListenerProblems.of(GatewayTls.resolve(state).problems());
    listenerProblems.forEach(p -> log.error("listener left out: {}", p));
    problems.addAll(listenerProblems);
    problems.addAll(BackendTlsProblems.of(state));
    lastErrors.set(List.copyOf(problems));
    if (!state.equals(published)) {
      published = state;
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
    auditApplied(files, read.rejectedFiles());
    auditRejected(
        newlyRejected(files, read.rejectedFiles(), read.errors()), read.leftOut(), read.partial());
  }

  /**
   * What one read of the directory gives.
   *
   * @param errors the errors of each document on its own
   * @param settled the problems found once all documents were in (a Mapping no Host serves): of
   *     single objects, which are left out while the rest is served
   * @param conflicts the errors between documents, each valid alone; any refuses the read
   * @param leftOut the invalid documents with no last good version, as {@code file#document}
   * @param partial the documents served in part (a Gateway without its invalid listeners)
   * @param keysAt the object each document held, by {@code file#document}
   */
  private record Read(
      ClusterState state,
      List<ResourceError> errors,
      List<ResourceError> settled,
      List<ResourceError> conflicts,
      Set<String> rejectedFiles,
      Set<String> leftOut,
      Set<String> partial,
      Map<String, ObjectKey> keysAt) {}

  /**
   * Each document through the store: valid, it is served as read; invalid, its last good version
   * is, or nothing if it never had one, and the valid documents beside it are served all the same.
   * A document that cannot be read as an object at all keeps the last good version of the object it
   * held before.
   */
  private Read read(List<WatchedDirectory.File> files) {
    List<ResourceError> errors = new ArrayList<>();
    List<ResourceError> conflicts = new ArrayList<>();
    Set<String> rejectedFiles = new HashSet<>();
    Set<String> leftOut = new HashSet<>();
    Set<String> partial = new HashSet<>();
    Map<String, ObjectKey> keysNow = new HashMap<>();
    Set<ObjectKey> named = new HashSet<>();
    StateBuilder builder = new StateBuilder();
    for (WatchedDirectory.File file : files) {
      List<String> documents = ResourceParser.documents(file.content());
      for (int i = 0; i < documents.size(); i++) {
        if (documents.get(i) == null) {
          continue;
        }
        String at = file.name() + "#" + (i + 1);
        List<ResourceError> own = new ArrayList<>();
        DocumentErrors documentErrors = new DocumentErrors(file.name(), i + 1, own);
        Object resource = parser.read(documents.get(i), documentErrors);
        ObjectKey before = resource == null ? keysAt.get(at) : null;
        Optional<ResourceKind<?, ?>> kind =
            resource == null
                ? Optional.ofNullable(before).flatMap(key -> parser.kindNamed(key.kind()))
                : parser.kindOf(resource);
        if (resource != null && kind.isEmpty()) {
          continue; // not a kind this control plane reads
        }
        Optional<ResourceStore.Outcome> outcome =
            kind.map(
                k ->
                    resource == null
                        ? store.keep(before)
                        : store.convert(k, (HasMetadata) resource, documentErrors));
        outcome.ifPresent(o -> keysNow.put(at, o.key()));
        if (!own.isEmpty()) {
          errors.addAll(own);
          rejectedFiles.add(file.name());
          if (outcome.flatMap(ResourceStore.Outcome::served).isEmpty()) {
            leftOut.add(at);
          } else if (outcome.get().converted()) {
            partial.add(at);
          }
        }
        if (outcome.isPresent() && outcome.get().served().isPresent()) {
          ResourceKind<?, ?> served = kind.get();
          ObjectKey key = outcome.get().key();
          if (served.unique() && !named.add(key)) {
            conflicts.add(
                new ResourceError(file.name(), i + 1, "metadata.name", key + " is defined twice"));
          } else {
            served.addTo(builder, outcome.get().served().get());
          }
        }
      }
    }
    List<ResourceError> settled = new ArrayList<>();
    parser.kinds().forEach(kind -> kind.settle().settle(builder, settled, conflicts));
    return new Read(
        builder.build(),
        errors,
        settled,
        conflicts,
        rejectedFiles,
        leftOut,
        partial,
        Map.copyOf(keysNow));
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
  private void auditRejected(List<ResourceError> errors, Set<String> leftOut, Set<String> partial) {
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
                instead(file, fileErrors, leftOut, partial) + ConfigAudit.describe(fileErrors)));
  }

  private static String instead(
      String file, List<ResourceError> errors, Set<String> leftOut, Set<String> partial) {
    Set<Integer> all = new java.util.TreeSet<>();
    Set<Integer> out = new java.util.TreeSet<>();
    Set<Integer> inPart = new java.util.TreeSet<>();
    for (ResourceError error : errors) {
      all.add(error.document());
      if (leftOut.contains(file + "#" + error.document())) {
        out.add(error.document());
      } else if (partial.contains(file + "#" + error.document())) {
        inPart.add(error.document());
      }
    }
    if (out.isEmpty() && inPart.isEmpty()) {
      return "rejected, the last good state stays: ";
    }
    if (out.equals(all)) {
      return "rejected and left out (no earlier valid version): ";
    }
    if (inPart.equals(all)) {
      return "applied in part, what is invalid left out: ";
    }
    return "rejected; "
        + (out.isEmpty() ? "" : "documents " + out + " left out (no earlier valid version), ")
        + (inPart.isEmpty() ? "" : "documents " + inPart + " applied in part, ")
        + "the others keep their last good version: ";
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
