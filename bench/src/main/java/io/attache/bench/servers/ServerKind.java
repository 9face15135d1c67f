package io.attache.bench.servers;

/** The servers a benchmark can start, each in its own process. */
public enum ServerKind {
  /** Answers every Check OK at once: the ext-authz baseline. */
  NOOP_AUTHZ,
  /** The real ext-authz with the fixture policies; events not exported. */
  AUTHZ,
  /** The real ext-authz publishing every decision to an embedded Kafka broker. */
  AUTHZ_EVENTS,
  /** Answers every ShouldRateLimit OK at once: the ratelimit-service baseline. */
  NOOP_RATELIMIT,
  /** The real ratelimit-service, in-memory counters. */
  RATELIMIT_MEMORY,
  /** The real ratelimit-service on a real redis-server, one Lua call per request. */
  RATELIMIT_REDIS,
  /** As above with REDIS_PIPELINE_WINDOW=150us: concurrent increments coalesced. */
  RATELIMIT_REDIS_COALESCED;

  public String argument() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static ServerKind parse(String argument) {
    return valueOf(argument.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
