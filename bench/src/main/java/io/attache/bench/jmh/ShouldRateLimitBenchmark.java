package io.attache.bench.jmh;

import io.attache.bench.servers.Fixtures;
import io.attache.events.EventSink;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.core.FailureMode;
import io.attache.ratelimit.core.LimiterSettings;
import io.attache.ratelimit.core.OverLimitCache;
import io.attache.ratelimit.core.RateLimitService;
import io.attache.ratelimit.core.RateLimiter;
import io.attache.ratelimit.grpc.RateLimitGrpcService;
import io.attache.ratelimit.metrics.MicrometerLimitStats;
import io.attache.ratelimit.source.EffectiveConfig;
import io.attache.ratelimit.store.MemoryCounterStore;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
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
 * ratelimit-service's {@code ShouldRateLimit} on the memory backend as the gRPC server runs it,
 * minus the network: the request's bytes parsed, the service method called with a trivial observer,
 * wired as {@code RateLimitApp} wires it (Micrometer statistics on a Prometheus registry, reference
 * defaults, no expiry jitter for memory counters), on the fixture config and the requests of {@code
 * bin/bench run}'s ratelimit-memory scenario (two descriptors, rotating over 1,000 users). The
 * baseline parses and answers OK per descriptor, as the no-op server does. Run with {@code -prof
 * gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShouldRateLimitBenchmark {
  private static final int USERS = 1_000;

  private RateLimitGrpcService service;
  private MemoryCounterStore store;
  private final Observer observer = new Observer();
  private byte[][] requests;
  private int next;

  /** Keeps the last answer, so nothing of the call is dead code. */
  static final class Observer implements StreamObserver<RateLimitResponse> {
    RateLimitResponse last;

    @Override
    public void onNext(RateLimitResponse value) {
      last = value;
    }

    @Override
    public void onError(Throwable t) {
      throw new IllegalStateException(t);
    }

    @Override
    public void onCompleted() {}
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("attache-jmh-ratelimit");
    Fixtures.write(dir, Fixtures.rsaKeys());
    Path file = dir.resolve("ratelimit/config/bench.yaml");
    EffectiveConfig config = new EffectiveConfig();
    config.files(
        new ConfigParser(false)
            .load(List.of(new ConfigParser.Source(file.toString(), Files.readString(file)))));
    LongSupplier epochSeconds = () -> System.currentTimeMillis() / 1000;
    store = new MemoryCounterStore(1_000_000, epochSeconds);
    MicrometerLimitStats stats =
        new MicrometerLimitStats(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    // The reference's defaults, without expiry jitter: RateLimitApp uses none for memory counters.
    LimiterSettings settings = LimiterSettings.defaults().withExpirationJitter(0);
    RateLimiter limiter =
        new RateLimiter(settings, store, OverLimitCache.NONE, stats, epochSeconds);
    service =
        new RateLimitGrpcService(
            new RateLimitService(
                limiter, config, FailureMode.ERROR, EventSink.discarding(), 0, stats));
    requests = new byte[USERS][];
    for (int i = 0; i < USERS; i++) {
      requests[i] =
          RateLimitRequest.newBuilder()
              .setDomain("bench")
              .addDescriptors(descriptor("user", "u-" + i))
              .addDescriptors(descriptor("user", "u-" + i, "path", "/orders"))
              .setHitsAddend(1)
              .build()
              .toByteArray();
    }
    service.shouldRateLimit(RateLimitRequest.parseFrom(requests[0]), observer);
    if (observer.last.getOverallCode() != RateLimitResponse.Code.OK
        || !observer.last.getStatuses(1).hasCurrentLimit()) {
      throw new IllegalStateException("fixture request not limited as expected: " + observer.last);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  private static RateLimitDescriptor descriptor(String... keyValues) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      descriptor.addEntries(
          RateLimitDescriptor.Entry.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]));
    }
    return descriptor.build();
  }

  private byte[] nextRequest() {
    byte[] request = requests[next];
    next = next + 1 == USERS ? 0 : next + 1;
    return request;
  }

  @Benchmark
  public Object baselineNoop() throws Exception {
    RateLimitRequest request = RateLimitRequest.parseFrom(nextRequest());
    RateLimitResponse.Builder answer =
        RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK);
    for (int i = 0; i < request.getDescriptorsCount(); i++) {
      answer.addStatuses(
          RateLimitResponse.DescriptorStatus.newBuilder().setCode(RateLimitResponse.Code.OK));
    }
    observer.onNext(answer.build());
    observer.onCompleted();
    return observer.last;
  }

  @Benchmark
  public Object memoryTwoDescriptors() throws Exception {
    service.shouldRateLimit(RateLimitRequest.parseFrom(nextRequest()), observer);
    return observer.last;
  }
}
