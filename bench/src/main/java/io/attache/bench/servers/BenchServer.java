package io.attache.bench.servers;

import io.attache.authz.app.ExtAuthzApp;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.otel.OtlpReceiver;
import io.attache.testsupport.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark server process: {@code BenchServer KIND DIR} starts the server on a free loopback
 * port with the fixtures in DIR, prints {@code READY <grpc port> <admin port>} ({@code READY
 * <port>} for a dependency), and runs until its standard input closes (the parent ending or killing
 * it), then exits. The dependencies run in processes of their own, started before the servers that
 * need them: the {@code kafka} kind writes its broker's bootstrap address to {@code DIR/}{@value
 * #KAFKA_BOOTSTRAP}, the {@code redis} kind its redis-server's {@code host:port} to {@code
 * DIR/}{@value #REDIS_ADDRESS}, and the servers read them from there. A server never starts a
 * dependency itself: it would then run on the server's pinned core.
 */
public final class BenchServer {
  /** The file in DIR where the {@code kafka} kind writes its bootstrap address. */
  public static final String KAFKA_BOOTSTRAP = "kafka-bootstrap-servers";

  /** The file in DIR where the {@code redis} kind writes its {@code host:port}. */
  public static final String REDIS_ADDRESS = "redis-address";

  /** The file in DIR where the {@code otlp} kind writes its endpoint URL. */
  public static final String OTLP_ENDPOINT = "otlp-endpoint";

  private BenchServer() {}

  /** The file in DIR where a dependency of this kind writes its address. */
  public static String addressFile(ServerKind dependency) {
    return switch (dependency) {
      case KAFKA -> KAFKA_BOOTSTRAP;
      case REDIS -> REDIS_ADDRESS;
      case OTLP -> OTLP_ENDPOINT;
      default -> throw new IllegalArgumentException(dependency.argument() + " is no dependency");
    };
  }

  public static void main(String[] args) throws Exception {
    ServerKind kind = ServerKind.parse(args[0]);
    Path dir = Path.of(args[1]);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      String ports;
      if (kind == ServerKind.KAFKA) {
        ports = String.valueOf(startKafka(dir, owned));
      } else if (kind == ServerKind.REDIS) {
        ports = String.valueOf(startRedis(dir, owned));
      } else if (kind == ServerKind.OTLP) {
        OtlpReceiver receiver = OtlpReceiver.counting();
        owned.add(() -> System.err.println("otlp: received " + receiver.received() + " spans"));
        owned.add(receiver);
        publish(dir, ServerKind.OTLP, receiver.endpoint(), owned);
        ports = String.valueOf(receiver.port());
      } else {
        ServiceHost host = start(kind, dir);
        owned.add(host);
        ports = host.grpcPort() + " " + host.adminPort();
      }
      System.out.println("READY " + ports);
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to go
      }
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
    // Whatever thread a library left running, the process must not outlive its parent.
    System.exit(0);
  }

  /** Starts the broker and writes its bootstrap address for the servers; returns its port. */
  private static int startKafka(Path dir, List<AutoCloseable> owned) throws IOException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew();
    owned.add(broker);
    String address = broker.bootstrapServers();
    publish(dir, ServerKind.KAFKA, address, owned);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** Starts an empty redis-server and writes its address for the servers; returns its port. */
  private static int startRedis(Path dir, List<AutoCloseable> owned) throws IOException {
    RedisServer redis = RedisServer.start();
    owned.add(redis);
    publish(dir, ServerKind.REDIS, redis.hostAndPort(), owned);
    return redis.port();
  }

  /**
   * Writes a dependency's address to the file the servers read, and deletes it before the
   * dependency closes: a later scenario must not find the address of a dependency gone.
   */
  private static void publish(
      Path dir, ServerKind dependency, String address, List<AutoCloseable> owned)
      throws IOException {
    Path file = dir.resolve(addressFile(dependency));
    Files.writeString(file, address);
    owned.add(() -> Files.deleteIfExists(file));
  }

  static ServiceHost start(ServerKind kind, Path dir) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_HOST", "127.0.0.1");
    env.put("GRPC_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("HTTP_PORT", "0");
    env.put("PORT", "0");
    env.put("DEBUG_PORT", "0");
    env.put("ATTACHE_SPOOL_DIR", Files.createTempDirectory("attache-bench-spool").toString());
    // The event settings under test pass through from the runner's environment, e.g.
    // ATTACHE_SPOOL_FSYNC=never or KAFKA_PRODUCER_LINGER_MS=20 bin/bench run --scenarios
    // authz-events.
    System.getenv()
        .forEach(
            (name, value) -> {
              if (name.startsWith("KAFKA_PRODUCER_")
                  || name.startsWith("ATTACHE_SPOOL_FSYNC")
                  || name.startsWith("OTEL_TRACES_SAMPLER")) {
                env.put(name, value);
              }
            });
    switch (kind) {
      case NOOP_AUTHZ, NOOP_RATELIMIT -> {
        return ServiceHost.builder("bench-" + kind.argument())
            .host("127.0.0.1")
            .grpcPort(0)
            .adminPort(0)
            .directExecutor()
            .service(
                kind == ServerKind.NOOP_AUTHZ
                    ? new NoopServices.Authorization()
                    : new NoopServices.RateLimit())
            .start();
      }
      case AUTHZ, AUTHZ_EVENTS, AUTHZ_TRACED -> {
        env.put("ATTACHE_POLICY_DIR", dir.resolve("policies").toString());
        if (kind == ServerKind.AUTHZ_TRACED) {
          env.put("OTEL_EXPORTER_OTLP_ENDPOINT", address(dir, ServerKind.OTLP));
        }
        if (kind.needsKafka()) {
          env.put("KAFKA_BOOTSTRAP_SERVERS", address(dir, ServerKind.KAFKA));
        }
        return ExtAuthzApp.start(new Settings(env));
      }
      case KAFKA, REDIS, OTLP ->
          throw new IllegalArgumentException(
              kind.argument() + " is a dependency, not a service host");
      default -> {
        env.put("RUNTIME_ROOT", dir.resolve("ratelimit").toString());
        env.put("RUNTIME_WATCH_ROOT", "false");
        if (kind == ServerKind.RATELIMIT_MEMORY) {
          env.put("BACKEND_TYPE", "memory");
        } else {
          env.put("BACKEND_TYPE", "redis");
          env.put("REDIS_SOCKET_TYPE", "tcp");
          env.put("REDIS_URL", address(dir, ServerKind.REDIS));
          if (kind == ServerKind.RATELIMIT_REDIS_COALESCED) {
            env.put("REDIS_PIPELINE_WINDOW", "150us");
          }
        }
        return RateLimitApp.start(new Settings(env));
      }
    }
  }

  /** The address the dependency of this kind wrote to its {@link #addressFile} when it started. */
  public static String address(Path dir, ServerKind dependency) throws IOException {
    Path path = dir.resolve(addressFile(dependency));
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          "no "
              + dependency.argument()
              + ": start `bench server "
              + dependency.argument()
              + " "
              + dir
              + "` first (it writes "
              + path
              + ")");
    }
    return Files.readString(path).strip();
  }
}
