package io.attache.bench.load;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How to load a server.
 *
 * @param connections gRPC channels (each one HTTP/2 connection), calls spread round robin
 * @param concurrency closed loop: calls in flight at all times; open loop: the in-flight cap,
 *     beyond which a scheduled call counts as an error (the client, not the server, fell behind)
 * @param rate open loop: calls per second on a fixed schedule; empty: closed loop, as fast as the
 *     server answers
 */
public record LoadOptions(
    String host,
    int port,
    int connections,
    int concurrency,
    Duration warmup,
    Duration duration,
    OptionalDouble rate) {
  public LoadOptions {
    Objects.requireNonNull(host, "host");
    if (connections < 1 || concurrency < 1) {
      throw new IllegalArgumentException("connections and concurrency must be at least 1");
    }
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(rate, "rate");
  }

  public LoadOptions closedLoop() {
    return new LoadOptions(
        host, port, connections, concurrency, warmup, duration, OptionalDouble.empty());
  }

  public LoadOptions openLoop(double callsPerSecond) {
    return new LoadOptions(
        host,
        port,
        connections,
        Math.max(concurrency, 1024),
        warmup,
        duration,
        OptionalDouble.of(callsPerSecond));
  }
}
