package io.attache.authz.app;

import io.attache.authz.identity.ReloadingFile;
import io.attache.authz.identity.apikey.ApiKey;
import io.attache.authz.identity.apikey.ApiKeyFile;
import io.attache.authz.identity.basic.HashScheme;
import io.attache.authz.identity.basic.Htpasswd;
import io.attache.authz.policy.PolicyParser;
import io.attache.runtime.DaemonThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The credential files policies name (an API-key {@code keysFile}, a Basic {@code htpasswdFile}),
 * one reader per file shared by every policy naming it, all re-read on one background thread, so a
 * rotated key or changed password is picked up without touching the policies.
 */
final class CredentialFiles implements PolicyParser.KeyFiles, AutoCloseable {
  /** A file as policies name it: what it holds, where, and how it is read. */
  private record Named(String kind, Path path, Set<HashScheme> allowed) {}

  private final Map<Named, ReloadingFile<?>> files = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-credential-files"));

  CredentialFiles(Duration interval) {
    long millis = Math.max(50, interval.toMillis());
    poller.scheduleWithFixedDelay(
        () -> files.values().forEach(ReloadingFile::reload), millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Supplier<List<ApiKey>> open(String file, List<String> problems) {
    return shared(
        new Named("api keys", Path.of(file), Set.of()),
        () -> ApiKeyFile.open(Path.of(file), problems),
        problems);
  }

  /** The users of an htpasswd file, read with {@code allowed} legacy hashes. */
  Supplier<Htpasswd> htpasswd(String file, Set<HashScheme> allowed, List<String> problems) {
    return shared(
        new Named("htpasswd", Path.of(file), Set.copyOf(allowed)),
        () ->
            new ReloadingFile<>(
                Path.of(file),
                "htpasswd users",
                Htpasswd.EMPTY,
                (content, found) -> Htpasswd.parse(file, content, allowed, found),
                problems),
        problems);
  }

  /** A file's whole text, without surrounding whitespace: a client secret, say. */
  Supplier<String> text(String file, List<String> problems) {
    return shared(
        new Named("text", Path.of(file), Set.of()),
        () ->
            new ReloadingFile<>(
                Path.of(file),
                "secret",
                "",
                (content, found) -> {
                  if (content.isBlank()) {
                    found.add(file + ": is empty");
                  }
                  return content.strip();
                },
                problems),
        problems);
  }

  /** The reader of {@code name}, opened now unless a policy opened it before. */
  @SuppressWarnings("unchecked")
  private <T> Supplier<T> shared(
      Named name, Supplier<ReloadingFile<T>> open, List<String> problems) {
    ReloadingFile<?> existing = files.get(name);
    if (existing != null) {
      problems.addAll(existing.reload());
      return (Supplier<T>) existing;
    }
    int before = problems.size();
    ReloadingFile<T> opened = open.get();
    if (problems.size() == before) {
      files.put(name, opened);
    }
    return opened;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
