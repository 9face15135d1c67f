package io.attache.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import io.attache.testsupport.kafka.TopicReader;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsNameResolverProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `attache run` on the quickstart configuration, driven as Envoy would: a real grpc-xds client
 * routes through the served config to a real backend; Check calls with a valid token, a bad token
 * and an API key; rate-limit calls hit the limit; and the audit and traffic events are read back
 * from Kafka.
 */
@ExtendWith(KafkaBrokerExtension.class)
class QuickstartEndToEndTest {
  @TempDir Path dir;

  @Test
  void theQuickstartWorksEndToEnd(EmbeddedKafkaBroker broker) throws Exception {
    copy(
        Path.of("..", "examples", "ratelimit", "config", "example.yaml"),
        dir.resolve("ratelimit/config/example.yaml"));
    copy(
        Path.of("..", "examples", "policies", "example.yaml"),
        dir.resolve("policies/example.yaml"));
    Server backend =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", FreePorts.next()))
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    Files.createDirectories(dir.resolve("cluster"));
    Files.writeString(
        dir.resolve("cluster/echo.yaml"),
        Files.readString(Path.of("..", "examples", "cluster", "echo.yaml"))
            .replace("port: 9000", "port: " + backend.getPort()));
    String prefix = "qs" + System.nanoTime() + ".";
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("ATTACHE_TOPIC_PREFIX", prefix);
    for (String service : List.of("RATELIMIT_", "EXTAUTHZ_", "CONTROLPLANE_")) {
      env.put(service + "GRPC_PORT", "0");
      env.put(service + "ADMIN_PORT", "0");
      env.put(service + "ATTACHE_SPOOL_DIR", dir.resolve("spool/" + service).toString());
    }
    env.put("RATELIMIT_PORT", "0");
    env.put("RATELIMIT_DEBUG_PORT", "0");
    env.put("EXTAUTHZ_HTTP_PORT", "0");
    List<ServiceHost> hosts =
        RunCommand.start(
            dir, env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String scheme = "xds-qs-" + UUID.randomUUID().toString().substring(0, 8);
    XdsNameResolverProvider resolver =
        XdsNameResolverProvider.createForTest(
            scheme,
            Map.of(
                "xds_servers",
                List.of(
                    Map.of(
                        "server_uri", "127.0.0.1:" + hosts.get(2).grpcPort(),
                        "channel_creds", List.of(Map.of("type", "insecure")),
                        "server_features", List.of("xds_v3"))),
                "node",
                Map.of("id", "quickstart-test", "cluster", "default")));
    NameResolverRegistry.getDefaultRegistry().register(resolver);
    ManagedChannel xds =
        Grpc.newChannelBuilder(
                scheme + ":///echo.default:8080", InsecureChannelCredentials.create())
            .build();
    ManagedChannel authz =
        ManagedChannelBuilder.forAddress("127.0.0.1", hosts.get(1).grpcPort())
            .usePlaintext()
            .build();
    ManagedChannel ratelimit =
        ManagedChannelBuilder.forAddress("127.0.0.1", hosts.get(0).grpcPort())
            .usePlaintext()
            .build();
    try {
      // Routed by the control plane's configuration to the real backend.
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  HealthGrpc.newBlockingStub(xds)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()));

      TokenCommand token = new TokenCommand();
      token.key = Path.of("..", "examples", "keys", "quickstart-private.pem");
      token.keyId = "quickstart";
      token.issuer = "https://quickstart.attache.io";
      token.audience = "attache";
      token.subject = "alice";
      token.claims = List.of("tier=gold");
      token.ttl = "10m";
      String jwt = token.mint(Instant.now());
      var check = AuthorizationGrpc.newBlockingStub(authz);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  check
                          .check(checkRequest("/me", "authorization", "Bearer " + jwt))
                          .getStatus()
                          .getCode()
                      == 0);
      assertThat(
              check
                  .check(checkRequest("/me", "authorization", "Bearer not.a.token"))
                  .getDeniedResponse()
                  .getStatus()
                  .getCodeValue())
          .isEqualTo(401);
      assertThat(
              check.check(checkRequest("/orders/1", "x-api-key", "demo-key")).getStatus().getCode())
          .isZero();

      var limits = RateLimitServiceGrpc.newBlockingStub(ratelimit);
      RateLimitResponse last = null;
      for (int i = 0; i < 6; i++) {
        last =
            limits.shouldRateLimit(
                RateLimitRequest.newBuilder()
                    .setDomain("example")
                    .addDescriptors(
                        RateLimitDescriptor.newBuilder()
                            .addEntries(
                                RateLimitDescriptor.Entry.newBuilder()
                                    .setKey("remote_address")
                                    .setValue("10.9.9.9")))
                    .build());
      }
      assertThat(last.getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);

      List<ConsumerRecord<String, String>> audit =
          TopicReader.read(broker, List.of(prefix + "audit.authz"), 3, Duration.ofSeconds(30));
      assertThat(audit.stream().map(ConsumerRecord::key)).contains("alice", "demo");
      assertThat(String.join("\n", audit.stream().map(ConsumerRecord::value).toList()))
          .contains("\"reason\":\"token_malformed\"")
          .doesNotContain(jwt);
      List<ConsumerRecord<String, String>> traffic =
          TopicReader.read(
              broker, List.of(prefix + "traffic.ratelimit"), 1, Duration.ofSeconds(30));
      assertThat(traffic).isNotEmpty();
      assertThat(traffic.get(0).value()).contains("\"code\":\"OVER_LIMIT\"").contains("10.9.9.9");
    } finally {
      xds.shutdownNow();
      authz.shutdownNow();
      ratelimit.shutdownNow();
      NameResolverRegistry.getDefaultRegistry().deregister(resolver);
      RunCommand.stopAll(hosts);
      backend.shutdownNow();
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
  }

  private static CheckRequest checkRequest(String path, String header, String value) {
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(
                    AttributeContext.Peer.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress("10.0.0.9")
                                        .setPortValue(4000))))
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setHttp(
                            AttributeContext.HttpRequest.newBuilder()
                                .setMethod("GET")
                                .setHost("localhost")
                                .setPath(path)
                                .putHeaders(header, value))))
        .build();
  }
}
