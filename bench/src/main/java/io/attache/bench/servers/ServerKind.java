package io.attache.bench.servers;

import java.util.ArrayList;
import java.util.List;

/**
 * The servers a benchmark can start, each in its own process: the measured gRPC servers and the
 * external dependencies some of them need ({@link #KAFKA}, {@link #REDIS}), which in production run
 * on other hosts.
 */
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
  /**
   * The real ext-authz with OpenTelemetry tracing on, exporting every span over OTLP/gRPC to the
   * {@link #OTLP} receiver the runner started; the sampler is the runner's {@code
   * OTEL_TRACES_SAMPLER} and {@code _ARG} (default: every check is traced).
   */
  AUTHZ_TRACED,
  /** Answers every ShouldRateLimit OK at once: the ratelimit-service baseline. */
  NOOP_RATELIMIT,
  /** The real ratelimit-service, in-memory counters. */
  RATELIMIT_MEMORY,
  /**
   * The real ratelimit-service on the {@link #REDIS} server the runner started: {@code INCRBY} and
   * {@code EXPIRE} per key, as the reference service sends them.
   */
  RATELIMIT_REDIS,
  /** As above with REDIS_PIPELINE_WINDOW=150us: concurrent increments coalesced. */
  RATELIMIT_REDIS_COALESCED,
  /**
   * A single-node Kafka broker (KRaft) for {@link #AUTHZ_EVENTS}: not a gRPC server and not
   * measured. It runs in a process of its own so that its CPU time is not counted as the server's
   * and it does not compete with the server for its core.
   */
  KAFKA,
  /**
   * A {@code redis-server} for the Redis rate-limit servers: not a gRPC server and not measured. It
   * runs apart from the server, as on another host in production, so that it does not compete with
   * the server for its core.
   */
  REDIS,
  /** An OTLP/gRPC trace receiver for {@link #AUTHZ_TRACED}, counting what it receives. */
  OTLP;

  /**
   * Whether the benchmark measures this server: it then runs on the server's core, with the JVM
   * options for profiling the server. A dependency (broker, Redis) runs with the load generator
   * instead.
   */
  public boolean measured() {
    return this != KAFKA && this != REDIS && this != OTLP;
  }

  /** Whether this server publishes to the {@link #KAFKA} broker, which must be running first. */
  public boolean needsKafka() {
    return this == AUTHZ_EVENTS;
  }

  /** Whether this server keeps its counters in the {@link #REDIS} server, which must run first. */
  public boolean needsRedis() {
    return this == RATELIMIT_REDIS || this == RATELIMIT_REDIS_COALESCED;
  }

  /** The dependencies this server needs running before it starts, in the order to start them. */
  public List<ServerKind> dependencies() {
    List<ServerKind> dependencies = new ArrayList<>();
    if (needsKafka()) {
      dependencies.add(KAFKA);
    }
    if (needsRedis()) {
      dependencies.add(REDIS);
    }
    if (this == AUTHZ_TRACED) {
      dependencies.add(OTLP);
    }
    return List.copyOf(dependencies);
  }

  public String argument() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static ServerKind parse(String argument) {
    return valueOf(argument.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
