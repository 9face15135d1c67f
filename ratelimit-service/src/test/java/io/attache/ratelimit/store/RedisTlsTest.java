package io.attache.ratelimit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.redis.RedisServer;
import io.attache.testsupport.tls.MutualTls;
import io.attache.testsupport.tls.TestPki.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counters in a real redis-server over TLS, reached with the reference's variables ({@code
 * REDIS_TLS}, {@code REDIS_TLS_CACERT}, {@code REDIS_TLS_CLIENT_CERT}, {@code
 * REDIS_TLS_CLIENT_KEY}, {@code REDIS_TLS_SKIP_HOSTNAME_VERIFICATION}; envoyproxy/ratelimit {@code
 * src/settings/settings.go}), the server started with {@code --tls-port} and, for client
 * certificates, {@code --tls-auth-clients yes}.
 */
class RedisTlsTest {
  @TempDir Path dir;
  private RedisServer redis;

  @AfterEach
  void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static RedisSettings settings(int port, RedisTls tls) {
    return new RedisSettings(
        RedisSettings.Type.SINGLE,
        "localhost:" + port,
        RedisSettings.SocketType.TCP,
        "",
        tls,
        1,
        Duration.ofSeconds(2));
  }

  private static long increment(RedisCounterStore store, String key) {
    return store
        .increment(new String[] {key}, new long[] {1}, new long[] {60})
        .toCompletableFuture()
        .join()[0];
  }

  @Test
  void countsOverMutualTlsPresentingTheClientCertificate() {
    MutualTls tls = new MutualTls(dir, "ratelimit");
    redis =
        RedisServer.startWithTls(
            dir.resolve("server.crt"), dir.resolve("server.key"), tls.ca(), true);
    RedisTls mutual =
        new RedisTls(
            true,
            Optional.of(tls.ca()),
            Optional.of(tls.clientCertificate()),
            Optional.of(tls.clientKey()),
            false);

    try (RedisCounterStore store = new RedisCounterStore(settings(redis.tlsPort(), mutual))) {
      assertThat(increment(store, "tls_a")).isEqualTo(1);
      assertThat(increment(store, "tls_a")).isEqualTo(2);
    }
    assertThat(redis.command("GET tls_a")).isEqualTo("$1");
  }

  @Test
  void withoutTheClientCertificateRedisRefusesTheConnection() {
    MutualTls tls = new MutualTls(dir, "ratelimit");
    redis =
        RedisServer.startWithTls(
            dir.resolve("server.crt"), dir.resolve("server.key"), tls.ca(), true);
    RedisTls anonymous =
        new RedisTls(true, Optional.of(tls.ca()), Optional.empty(), Optional.empty(), false);

    try (RedisCounterStore store = new RedisCounterStore(settings(redis.tlsPort(), anonymous))) {
      assertThat(store.isConnected()).isFalse();
    }
  }

  @Test
  void theServersNameIsVerifiedUnlessVerificationIsSkipped() {
    MutualTls tls = new MutualTls(dir, "ratelimit");
    Path certificate =
        tls.pki()
            .issue(Usage.SERVER, "redis.elsewhere.example")
            .writeTo(dir.resolve("misnamed.crt"), dir.resolve("misnamed.key"));
    redis = RedisServer.startWithTls(certificate, dir.resolve("misnamed.key"), tls.ca(), false);
    RedisTls verifying =
        new RedisTls(true, Optional.of(tls.ca()), Optional.empty(), Optional.empty(), false);
    RedisTls skipping =
        new RedisTls(true, Optional.of(tls.ca()), Optional.empty(), Optional.empty(), true);

    try (RedisCounterStore store = new RedisCounterStore(settings(redis.tlsPort(), verifying))) {
      assertThat(store.isConnected()).isFalse();
    }
    try (RedisCounterStore store = new RedisCounterStore(settings(redis.tlsPort(), skipping))) {
      assertThat(increment(store, "tls_skip")).isEqualTo(1);
    }
  }
}
