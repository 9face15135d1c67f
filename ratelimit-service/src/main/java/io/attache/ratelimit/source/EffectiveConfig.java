package io.attache.ratelimit.source;

import io.attache.ratelimit.config.ConfigUnion;
import io.attache.ratelimit.config.RateLimitConfig;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The configuration in force, combined from the files and the {@code RateLimitPolicy} resources
 * whenever either changes, so the request path reads one reference and combines nothing.
 */
public final class EffectiveConfig implements Supplier<RateLimitConfig> {
  private final AtomicReference<RateLimitConfig> current = new AtomicReference<>();
  private RateLimitConfig files;
  private RateLimitConfig policies;

  @Override
  public RateLimitConfig get() {
    return current.get();
  }

  public synchronized void files(RateLimitConfig config) {
    files = config;
    current.set(ConfigUnion.of(files, policies));
  }

  public synchronized void policies(RateLimitConfig config) {
    policies = config;
    current.set(ConfigUnion.of(files, policies));
  }

  /** Domains the files configure: policies may not claim them. */
  public synchronized Set<String> fileDomains() {
    return files == null ? Set.of() : files.domains().keySet();
  }
}
