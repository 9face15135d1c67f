package io.attache.authz.app;

import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyFile;
import io.attache.authz.policy.PolicyParser;
import io.attache.runtime.DaemonThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The API-key files policies name ({@code keysFile}), one reader per file shared by every policy
 * naming it, all re-read on one background thread, so a rotated key is picked up without touching
 * the policies.
 */
final class ApiKeyFiles implements PolicyParser.KeyFiles, AutoCloseable {
  private final Map<Path, ApiKeyFile> files = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-key-files"));

  ApiKeyFiles(Duration interval) {
    long millis = Math.max(50, interval.toMillis());
    poller.scheduleWithFixedDelay(
        () -> files.values().forEach(ApiKeyFile::reload), millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Supplier<List<ApiKey>> open(String file, List<String> problems) {
    Path path = Path.of(file);
    ApiKeyFile existing = files.get(path);
    if (existing != null) {
      problems.addAll(existing.reload());
      return existing;
    }
    ApiKeyFile opened = new ApiKeyFile(path, problems);
    if (problems.isEmpty()) {
      files.put(path, opened);
    }
    return opened;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
