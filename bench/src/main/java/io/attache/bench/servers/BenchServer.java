package io.attache.bench.servers;

import io.attache.authz.app.ExtAuthzApp;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.ServiceHost;
import io.attache.runtime.Settings;
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
 * <port>} for the broker), and runs until its standard input closes (the parent ending or killing
 * it), then exits. A server that needs Redis starts it itself; one that publishes events finds the
 * bootstrap address of the {@code kafka} kind's broker, started before it in a process of its own,
 * in {@code DIR/}{@value #KAFKA_BOOTSTRAP}.
 */
public final class BenchServer {
  /** The file in DIR where the {@code kafka} kind writes its bootstrap address. */
  public static final String KAFKA_BOOTSTRAP = "kafka-bootstrap-servers";

  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    ServerKind kind = ServerKind.parse(args[0]);
    Path dir = Path.of(args[1]);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      String ports;
      if (kind == ServerKind.KAFKA) {
        ports = String.valueOf(startKafka(dir, owned));
      } else {
        ServiceHost host = start(kind, dir, owned);
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
    Path bootstrap = dir.resolve(KAFKA_BOOTSTRAP);
    Files.writeString(bootstrap, address);
    // Deleted before the broker closes: a later scenario must not find the address of a broker
    // gone.
    owned.add(() -> Files.deleteIfExists(bootstrap));
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  static ServiceHost start(ServerKind kind, Path dir, List<AutoCloseable> owned)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_HOST", "127.0.0.1");
    env.put("GRPC_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("HTTP_PORT", "0");
    env.put("PORT", "0");
    env.put("DEBUG_PORT", "0");
    env.put("ATTACHE_SPOOL_DIR", Files.createTempDirectory("attache-bench-spool").toString());
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
      case AUTHZ, AUTHZ_EVENTS -> {
        env.put("ATTACHE_POLICY_DIR", dir.resolve("policies").toString());
        if (kind.needsKafka()) {
          env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap(dir));
        }
        return ExtAuthzApp.start(new Settings(env));
      }
      case KAFKA -> throw new IllegalArgumentException("kafka is a broker, not a service host");
      default -> {
        env.put("RUNTIME_ROOT", dir.resolve("ratelimit").toString());
        env.put("RUNTIME_WATCH_ROOT", "false");
        if (kind == ServerKind.RATELIMIT_MEMORY) {
          env.put("BACKEND_TYPE", "memory");
        } else {
          RedisServer redis = RedisServer.start();
          owned.add(redis);
          env.put("BACKEND_TYPE", "redis");
          env.put("REDIS_SOCKET_TYPE", "tcp");
          env.put("REDIS_URL", redis.hostAndPort());
          if (kind == ServerKind.RATELIMIT_REDIS_COALESCED) {
            env.put("REDIS_PIPELINE_WINDOW", "150us");
          }
        }
        return RateLimitApp.start(new Settings(env));
      }
    }
  }

  private static String kafkaBootstrap(Path dir) throws IOException {
    Path file = dir.resolve(KAFKA_BOOTSTRAP);
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          "no Kafka broker: start `bench server kafka " + dir + "` first (it writes " + file + ")");
    }
    return Files.readString(file).strip();
  }
}
