package io.attache.bench.jmh;

import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.ratelimit.core.Descriptor;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.LimitStats;
import io.attache.ratelimit.core.LimiterSettings;
import io.attache.ratelimit.core.OverLimitCache;
import io.attache.ratelimit.core.RateLimitRequest;
import io.attache.ratelimit.core.RateLimiter;
import io.attache.ratelimit.store.MemoryCounterStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The rate-limit decision core on in-memory counters: config lookup, window arithmetic, counting
 * and the response, for one and for three descriptors, against a baseline that only builds the
 * request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimiterBenchmark {
  private static final String CONFIG =
      """
      domain: edge
      descriptors:
        - key: remote_address
          rate_limit: {unit: second, requests_per_unit: 1000000000}
        - key: user
          rate_limit: {unit: minute, requests_per_unit: 1000000000}
          descriptors:
            - key: path
              value: /api/*
              rate_limit: {unit: hour, requests_per_unit: 1000000000}
      """;

  private RateLimitConfig config;
  private RateLimiter limiter;
  private MemoryCounterStore store;
  private RateLimitRequest one;
  private RateLimitRequest three;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    config = new ConfigParser(false).load(List.of(new ConfigParser.Source("bench.yaml", CONFIG)));
    store = new MemoryCounterStore(1_000_000, () -> System.currentTimeMillis() / 1000);
    limiter =
        new RateLimiter(
            LimiterSettings.defaults(),
            store,
            OverLimitCache.NONE,
            LimitStats.NONE,
            () -> System.currentTimeMillis() / 1000);
    one = request(Descriptor.of(new Entry("remote_address", "10.0.0.1")));
    three =
        request(
            Descriptor.of(new Entry("remote_address", "10.0.0.1")),
            Descriptor.of(new Entry("user", "alice")),
            Descriptor.of(new Entry("user", "alice"), new Entry("path", "/api/orders")));
  }

  private static RateLimitRequest request(Descriptor... descriptors) {
    return new RateLimitRequest("edge", List.of(descriptors), 0, Optional.empty());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public Object baselineBuildRequest() {
    return request(Descriptor.of(new Entry("remote_address", "10.0.0.1")));
  }

  @Benchmark
  public Object oneDescriptor() {
    return limiter.shouldRateLimit(config, one).toCompletableFuture().join();
  }

  @Benchmark
  public Object threeDescriptors() {
    return limiter.shouldRateLimit(config, three).toCompletableFuture().join();
  }
}
