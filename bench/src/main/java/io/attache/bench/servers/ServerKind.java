package io.attache.bench.servers;

/** The servers a benchmark can start, each in its own process. */
public enum ServerKind {
  /** Answers every Check OK at once: the ext-authz baseline. */
  NOOP_AUTHZ,
  /** The real ext-authz with the fixture policies; events not exported. */
  AUTHZ,
  /**
   * The real ext-authz publishing every decision over the network to the {@link #KAFKA} broker the
   * runner started, as in production.
   */
  AUTHZ_EVENTS,
  /** Answers every ShouldRateLimit OK at once: the ratelimit-service baseline. */
  NOOP_RATELIMIT,
  /** The real ratelimit-service, in-memory counters. */
  RATELIMIT_MEMORY,
  /** The real ratelimit-service on a real redis-server, one Lua call per request. */
  RATELIMIT_REDIS,
  /** As above with REDIS_PIPELINE_WINDOW=150us: concurrent increments coalesced. */
  RATELIMIT_REDIS_COALESCED,
  /**
   * A single-node Kafka broker (KRaft) for {@link #AUTHZ_EVENTS}: not a gRPC server and not
   * measured. It runs in a process of its own so that its CPU time is not counted as the server's
   * and it does not compete with the server for its core.
   */
  KAFKA;

  /**
   * Whether the benchmark measures this server: it then runs on the server's core, with the JVM
   * options for profiling the server. A broker runs with the load generator instead.
   */
  public boolean measured() {
    return this != KAFKA;
  }

  /** Whether this server publishes to the {@link #KAFKA} broker, which must be running first. */
  public boolean needsKafka() {
    return this == AUTHZ_EVENTS;
  }

  public String argument() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static ServerKind parse(String argument) {
    return valueOf(argument.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
