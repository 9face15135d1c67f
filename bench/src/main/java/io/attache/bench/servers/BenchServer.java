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
 * port with the fixtures in DIR, prints {@code READY <port>}, and runs until its standard input
 * closes (the parent ending or killing it). Everything it needs (Redis, Kafka) it starts itself.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    ServerKind kind = ServerKind.parse(args[0]);
    Path dir = Path.of(args[1]);
    List<AutoCloseable> owned = new ArrayList<>();
    ServiceHost host = start(kind, dir, owned);
    System.out.println("READY " + host.grpcPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to go
    }
    host.close();
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
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
        if (kind == ServerKind.AUTHZ_EVENTS) {
          EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startNew();
          owned.add(broker);
          env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        }
        return ExtAuthzApp.start(new Settings(env));
      }
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
}
