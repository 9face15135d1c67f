package io.attache.ratelimit.store;

import io.attache.ratelimit.core.CounterStore;
import io.attache.ratelimit.core.StoreUnavailableException;
import io.attache.runtime.tls.ClientTlsFiles;
import io.attache.runtime.tls.TlsFileException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters in Redis, shared by every replica. One round trip per request whatever the number of
 * descriptors: {@code INCRBY} then {@code EXPIRE} for every key, as the reference service sends
 * them, written to the connection as one batch (on a Cluster, whose keys live in different slots,
 * they go out together and are awaited together). Plain commands rather than a Lua script: a script
 * costs Redis several times the CPU of the two commands, and Redis's CPU is what limits. Token
 * buckets and sliding windows are the exception: whether hits count depends on what was counted
 * before, read and written atomically across replicas, which only a script does ({@link
 * RedisTokenBuckets}, {@link RedisSlidingWindows}); the calls a loop iteration brings share one
 * script run ({@link ScriptBatches}). Calls never block: Lettuce answers on its I/O threads.
 * Connecting is retried in the background, so a Redis that is down at start does not stop the
 * service; calls fail fast (per the failure mode) until it is up.
 */
public final class RedisCounterStore implements CounterStore {
  private static final Logger log = LoggerFactory.getLogger(RedisCounterStore.class);

  private final RedisSettings settings;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final LoopAffinity<StatefulRedisConnection<String, String>> affinity;
  private final List<RedisCommand<String, String, ?>>[] pendingWrites; // per loop, see writeOnLoop
  private final List<StatefulRedisConnection<String, String>> connections =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile StatefulRedisClusterConnection<String, String> cluster;
  private final ScriptBatches takeBatches; // null without loops, as affinity
  private final ScriptBatches countBatches;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong lastConnectAttempt = new AtomicLong();
  private volatile boolean connected;

  /** On Lettuce's own event loops. */
  public RedisCounterStore(RedisSettings settings) {
    this(settings, Optional.empty());
  }

  /**
   * On the given loops when present: those the gRPC server runs on (see {@link NettyEventLoops}),
   * so that a call is answered on the loop that received it. The caller closes the loops after this
   * store.
   */
  public RedisCounterStore(RedisSettings settings, Optional<EventLoopGroup> loops) {
    this(settings, loops, Optional.empty());
  }

  /**
   * As above, with Lettuce's command latencies on {@code registry} ({@code
   * lettuce_command_completion_seconds{command,...}} and {@code
   * lettuce_command_firstresponse_seconds}: count, sum and max, no client-side percentiles).
   */
  public RedisCounterStore(
      RedisSettings settings, Optional<EventLoopGroup> loops, Optional<MeterRegistry> registry) {
    this.settings = settings;
    DefaultClientResources.Builder resourcesBuilder = DefaultClientResources.builder();
    registry.ifPresent(
        r ->
            resourcesBuilder.commandLatencyRecorder(
                new MicrometerCommandLatencyRecorder(
                    r,
                    MicrometerOptions.builder()
                        .histogram(false)
                        .localDistinction(false)
                        .targetPercentiles(new double[0])
                        .build())));
    loops.ifPresent(group -> resourcesBuilder.eventLoopGroupProvider(new SharedEventLoops(group)));
    this.resources = resourcesBuilder.build();
    Optional<SslOptions> ssl = sslOptions(settings.tls());
    if (settings.type() == RedisSettings.Type.CLUSTER) {
      this.client = null;
      this.clusterClient = RedisClusterClient.create(resources, clusterUris(settings));
      ssl.ifPresent(
          options ->
              clusterClient.setOptions(ClusterClientOptions.builder().sslOptions(options).build()));
      this.affinity = null;
      this.pendingWrites = null;
      this.takeBatches = null;
      this.countBatches = null;
    } else {
      this.client = RedisClient.create(resources);
      ssl.ifPresent(
          options -> client.setOptions(ClientOptions.builder().sslOptions(options).build()));
      this.clusterClient = null;
      this.affinity =
          loops.map(LoopAffinity<StatefulRedisConnection<String, String>>::new).orElse(null);
      this.pendingWrites = newQueues(affinity != null ? affinity.loops() : 0);
      this.takeBatches = batchesOf(RedisTokenBuckets.TAKE);
      this.countBatches = batchesOf(RedisSlidingWindows.COUNT);
      if (affinity != null) {
        client.addListener(affinity);
      }
    }
    connect();
  }

  /** True once connected; Lettuce reconnects by itself after that. */
  public boolean isConnected() {
    return connected
        && (cluster != null
            ? cluster.isOpen()
            : connections.stream().anyMatch(StatefulRedisConnection::isOpen));
  }

  private synchronized void connect() {
    if (connected) {
      return;
    }
    lastConnectAttempt.set(System.nanoTime());
    try {
      if (clusterClient != null) {
        cluster = clusterClient.connect();
        cluster.setTimeout(settings.timeout());
      } else {
        RedisURI uri = uri(settings);
        for (int i = 0; i < settings.poolSize(); i++) {
          StatefulRedisConnection<String, String> connection = client.connect(uri);
          connection.setTimeout(settings.timeout());
          connections.add(connection);
          if (affinity != null) {
            affinity.add(connection);
          }
        }
      }
      connected = true;
      log.info("redis: connected to {} ({})", settings.url(), settings.type().name().toLowerCase());
    } catch (RuntimeException e) {
      connections.forEach(StatefulRedisConnection::closeAsync);
      connections.clear();
      if (affinity != null) {
        affinity.clear();
      }
      log.warn("redis: cannot connect to {} yet: {}", settings.url(), e.getMessage());
    }
  }

  private boolean ensureConnected() {
    if (connected) {
      return true;
    }
    long last = lastConnectAttempt.get();
    if (System.nanoTime() - last > TimeUnit.SECONDS.toNanos(1)
        && lastConnectAttempt.compareAndSet(last, System.nanoTime())) {
      CompletableFuture.runAsync(this::connect);
    }
    return false;
  }

  @Override
  public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttlSeconds) {
    if (!ensureConnected()) {
      return notConnected();
    }
    CompletableFuture<long[]> result =
        cluster != null
            ? clusterIncrement(keys, hits, ttlSeconds)
            : pipelinedIncrement(keys, hits, ttlSeconds);
    return guard(result);
  }

  /**
   * {@code INCRBY} then {@code EXPIRE} per key, as the reference sends them, handed to the
   * connection as one batch: one write and one round trip whatever the number of keys.
   */
  private CompletableFuture<long[]> pipelinedIncrement(String[] keys, long[] hits, long[] ttls) {
    List<RedisCommand<String, String, ?>> commands = new ArrayList<>(keys.length * 2);
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] values = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      AsyncCommand<String, String, Long> increment =
          new AsyncCommand<>(
              new Command<>(
                  CommandType.INCRBY,
                  new IntegerOutput<>(StringCodec.UTF8),
                  new CommandArgs<>(StringCodec.UTF8).addKey(keys[i]).add(hits[i])));
      values[i] = increment;
      commands.add(increment);
      commands.add(
          new AsyncCommand<>(
              new Command<>(
                  CommandType.EXPIRE,
                  new BooleanOutput<>(StringCodec.UTF8),
                  new CommandArgs<>(StringCodec.UTF8).addKey(keys[i]).add(ttls[i]))));
    }
    int loop = affinity != null ? affinity.currentLoop() : -1;
    if (loop >= 0) {
      writeOnLoop(loop, commands);
    } else {
      nextConnection().dispatch(commands);
    }
    return all(values);
  }

  /**
   * Queues a call's commands for its loop's connection; the first call of a loop iteration
   * schedules one write of all of them for when the loop has handled the reads in hand. The same
   * commands as written one call at a time, in the same order, but one write (one system call, one
   * packet to Redis) per iteration instead of one per call. Only the loop itself touches its queue.
   */
  private void writeOnLoop(int loop, List<RedisCommand<String, String, ?>> commands) {
    List<RedisCommand<String, String, ?>> queued = pendingWrites[loop];
    if (queued.isEmpty()) {
      affinity.loop(loop).execute(() -> flushLoop(loop));
    }
    queued.addAll(commands);
  }

  @SuppressWarnings("unchecked")
  private static List<RedisCommand<String, String, ?>>[] newQueues(int loops) {
    List<RedisCommand<String, String, ?>>[] queues = new List[loops];
    for (int i = 0; i < loops; i++) {
      queues[i] = new ArrayList<>();
    }
    return queues;
  }

  private void flushLoop(int loop) {
    List<RedisCommand<String, String, ?>> queued = pendingWrites[loop];
    pendingWrites[loop] = new ArrayList<>();
    StatefulRedisConnection<String, String> connection = affinity.connection(loop);
    (connection != null ? connection : nextConnection()).dispatch(queued);
  }

  private CompletableFuture<long[]> clusterIncrement(String[] keys, long[] hits, long[] ttls) {
    RedisAdvancedClusterAsyncCommands<String, String> commands = cluster.async();
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] values = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = commands.incrby(keys[i], hits[i]).toCompletableFuture();
      commands.expire(keys[i], ttls[i]);
    }
    return all(values);
  }

  private static CompletableFuture<long[]> all(CompletableFuture<Long>[] values) {
    return CompletableFuture.allOf(values)
        .thenApply(
            ignored -> {
              long[] after = new long[values.length];
              for (int i = 0; i < values.length; i++) {
                after[i] = values[i].join();
              }
              return after;
            });
  }

  @Override
  public CompletionStage<long[]> takeTokens(
      String[] keys, long[] hits, long[] emissionMicros, long[] capacityMicros) {
    return runScript(
        RedisTokenBuckets.TAKE,
        takeBatches,
        keys,
        RedisTokenBuckets.arguments(hits, emissionMicros, capacityMicros));
  }

  @Override
  public CompletionStage<long[]> countSliding(
      String[] keys, long[] hits, long[] limits, long[] windowMicros) {
    return runScript(
        RedisSlidingWindows.COUNT,
        countBatches,
        keys,
        RedisSlidingWindows.arguments(hits, limits, windowMicros));
  }

  /** Batches of {@code script}'s calls per loop, or null when the store runs on no loops. */
  private ScriptBatches batchesOf(RedisScript script) {
    return affinity != null ? new ScriptBatches(script, affinity, this::nextConnection) : null;
  }

  /**
   * A call made on a loop joins the loop's batch of calls to the same script ({@link
   * ScriptBatches}); one made elsewhere is a script call of its own; on a Cluster, one per key.
   */
  private CompletionStage<long[]> runScript(
      RedisScript script, ScriptBatches batches, String[] keys, String[] args) {
    if (!ensureConnected()) {
      return notConnected();
    }
    if (cluster != null) {
      return guard(script.run(cluster.async(), true, keys, args));
    }
    int loop = affinity != null ? affinity.currentLoop() : -1;
    return guard(
        loop >= 0
            ? batches.call(loop, keys, args)
            : script.run(nextConnection().async(), false, keys, args));
  }

  @Override
  public CompletionStage<long[]> get(String[] keys) {
    if (!ensureConnected()) {
      return notConnected();
    }
    CompletionStage<List<KeyValue<String, String>>> values =
        cluster != null ? cluster.async().mget(keys) : nextConnection().async().mget(keys);
    return guard(
        values
            .toCompletableFuture()
            .thenApply(
                list -> {
                  long[] result = new long[keys.length];
                  for (int i = 0; i < list.size(); i++) {
                    result[i] = list.get(i).hasValue() ? Long.parseLong(list.get(i).getValue()) : 0;
                  }
                  return result;
                }));
  }

  private StatefulRedisConnection<String, String> nextConnection() {
    return connections.get(Math.floorMod(next.getAndIncrement(), connections.size()));
  }

  /**
   * Lettuce fails a command that has no answer within the connection's timeout ({@code
   * REDIS_TIMEOUT}, set on every connection), on its timer wheel: cheaper per call than a scheduled
   * task of our own.
   */
  private CompletableFuture<long[]> guard(CompletableFuture<long[]> call) {
    return call.exceptionallyCompose(
        error -> {
          Throwable cause =
              error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
          return CompletableFuture.failedFuture(
              new StoreUnavailableException(
                  "redis error: "
                      + (cause instanceof RedisCommandTimeoutException
                          ? "no answer within " + settings.timeout()
                          : cause.getMessage()),
                  cause));
        });
  }

  private CompletableFuture<long[]> notConnected() {
    return CompletableFuture.failedFuture(
        new StoreUnavailableException("redis error: not connected to " + settings.url(), null));
  }

  static RedisURI uri(RedisSettings settings) {
    RedisURI.Builder builder;
    if (settings.type() == RedisSettings.Type.SENTINEL) {
      String[] parts = settings.url().split(",");
      if (parts.length < 2) {
        throw new IllegalArgumentException(
            "REDIS_URL for sentinel must be 'master,host:port[,host:port...]'");
      }
      HostPort first = HostPort.parse(parts[1]);
      builder = RedisURI.Builder.sentinel(first.host(), first.port(), parts[0]);
      for (int i = 2; i < parts.length; i++) {
        HostPort sentinel = HostPort.parse(parts[i]);
        builder.withSentinel(sentinel.host(), sentinel.port());
      }
    } else if (settings.socketType() == RedisSettings.SocketType.UNIX) {
      builder = RedisURI.Builder.socket(settings.url());
    } else {
      HostPort target = HostPort.parse(settings.url());
      builder = RedisURI.Builder.redis(target.host(), target.port());
    }
    applyAuth(builder, settings);
    return withTls(builder, settings.tls()).withTimeout(settings.timeout()).build();
  }

  private static List<RedisURI> clusterUris(RedisSettings settings) {
    List<RedisURI> uris = new ArrayList<>();
    for (String node : settings.url().split(",")) {
      HostPort target = HostPort.parse(node.trim());
      RedisURI.Builder builder = RedisURI.Builder.redis(target.host(), target.port());
      applyAuth(builder, settings);
      uris.add(withTls(builder, settings.tls()).withTimeout(settings.timeout()).build());
    }
    return uris;
  }

  private static RedisURI.Builder withTls(RedisURI.Builder builder, RedisTls tls) {
    if (!tls.enabled()) {
      return builder;
    }
    return builder
        .withSsl(true)
        .withVerifyPeer(tls.skipHostnameVerification() ? SslVerifyMode.CA : SslVerifyMode.FULL);
  }

  /**
   * The CAs to trust and the certificate to present, from PEM files; empty when Redis is reached in
   * plaintext or with the JVM's CAs and no client certificate.
   */
  static Optional<SslOptions> sslOptions(RedisTls tls) {
    if (!tls.enabled() || (tls.ca().isEmpty() && tls.clientCertificate().isEmpty())) {
      return Optional.empty();
    }
    SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
    try {
      if (tls.ca().isPresent()) {
        builder.trustManager(ClientTlsFiles.trusting(tls.ca().get()));
      }
      if (tls.clientCertificate().isPresent()) {
        builder.keyManager(
            ClientTlsFiles.presenting(
                tls.clientCertificate().get(), tls.clientKey().orElseThrow()));
      }
    } catch (TlsFileException e) {
      throw new IllegalArgumentException("Redis TLS: " + e.getMessage(), e);
    }
    return Optional.of(builder.build());
  }

  private static void applyAuth(RedisURI.Builder builder, RedisSettings settings) {
    if (settings.auth().isEmpty()) {
      return;
    }
    int colon = settings.auth().indexOf(':');
    if (colon > 0) {
      builder.withAuthentication(
          settings.auth().substring(0, colon), settings.auth().substring(colon + 1).toCharArray());
    } else {
      builder.withPassword(settings.auth().toCharArray());
    }
  }

  /** {@code host:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + text + "' is not host:port");
      }
      return new HostPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
  }

  @Override
  public void close() {
    connections.forEach(StatefulRedisConnection::close);
    if (cluster != null) {
      cluster.close();
    }
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (clusterClient != null) {
      clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
