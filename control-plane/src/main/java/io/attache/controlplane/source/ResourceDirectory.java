package io.attache.controlplane.source;

import io.attache.controlplane.model.ClusterState;
import io.attache.runtime.WatchedDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of Kubernetes YAML as the source of cluster state. Each change of the directory is
 * parsed whole; a valid read goes to the listener, an invalid one is logged (every error, by file
 * and field) and dropped, so the last good state stays in force.
 */
public final class ResourceDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceDirectory.class);

  private final ResourceParser parser = new ResourceParser();
  private final Consumer<ClusterState> listener;
  private final AtomicReference<List<ResourceError>> lastErrors = new AtomicReference<>(List.of());
  private final WatchedDirectory watch;

  /** Reads {@code directory} now (the listener may be called before this returns), then polls. */
  public ResourceDirectory(Path directory, Duration interval, Consumer<ClusterState> listener) {
    this.listener = listener;
    this.watch = new WatchedDirectory(directory, interval, this::onFiles);
  }

  private void onFiles(List<WatchedDirectory.File> files) {
    ParseResult result = parser.parse(files);
    if (result instanceof ParseResult.Parsed parsed) {
      lastErrors.set(List.of());
      log.info(
          "resources: {} services, {} endpoint slices from {} files",
          parsed.state().services().size(),
          parsed.state().endpoints().size(),
          files.size());
      listener.accept(parsed.state());
    } else if (result instanceof ParseResult.Invalid invalid) {
      lastErrors.set(invalid.errors());
      for (ResourceError error : invalid.errors()) {
        log.error("invalid resource, keeping the last good state: {}", error);
      }
    }
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
