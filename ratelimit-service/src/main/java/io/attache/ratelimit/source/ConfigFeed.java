package io.attache.ratelimit.source;

import io.attache.ratelimit.config.RateLimitConfig;
import java.util.function.Supplier;

/**
 * Where the reference-format configuration comes from ({@code CONFIG_TYPE}): the runtime directory
 * ({@code FILE}) or an xDS server ({@code GRPC_XDS_SOTW}). The last configuration applied, or null
 * before the first; loads applied and refused, for the reference's two counters.
 */
public interface ConfigFeed extends Supplier<RateLimitConfig>, AutoCloseable {
  long loadSuccesses();

  long loadErrors();

  @Override
  void close();
}
