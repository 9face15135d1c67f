package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.DynamicMessage;
import io.attache.controlplane.e2e.ControlPlanes;
import io.attache.runtime.host.ServiceHost;
import io.attache.runtime.xds.RateLimitConfigSchema;
import io.attache.testsupport.ServiceProbe;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RateLimitPolicies served as {@code ratelimit.config.ratelimit.v3.RateLimitConfig} over the
 * control plane's ADS port (issue #25, part 2), to a hand-driven stream that asks as the reference
 * service's xDS client does (state of the world, every resource, by type), next to an Envoy stream
 * on the same channel.
 */
class RateLimitConfigServingTest {
  private static final String RLS = RateLimitConfigSchema.TYPE_URL;
  private static final String POLICIES =
      """
      apiVersion: attache.io/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: api-limits, namespace: shop}
      spec:
        domain: api
        descriptors:
          - key: user
            rate_limit: {unit: minute, requests_per_unit: 10, name: per-user}
            descriptors:
              - {key: tier, value: gold, rate_limit: {window: 5s, requests_per_unit: 50, algorithm: sliding_window}}
      ---
      apiVersion: attache.io/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: zz-same-domain, namespace: shop}
      spec:
        domain: api
        descriptors: [{key: other, rate_limit: {unit: second, requests_per_unit: 1}}]
      ---
      apiVersion: attache.io/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: web-limits, namespace: shop}
      spec:
        domain: web
        descriptors: [{key: remote_address, rate_limit: {unit: second, requests_per_unit: 5, algorithm: token_bucket, burst: 20}}]
      """;

  @TempDir Path resources;
  private ServiceHost controlPlane;
  private ManagedChannel channel;
  private final List<AutoCloseable> streams = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Files.writeString(resources.resolve("policies.yaml"), POLICIES);
    controlPlane = ControlPlanes.fromDirectory(resources);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ServiceProbe.get("127.0.0.1", controlPlane.adminPort(), "/readyz").statusCode()
                    == 200);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", controlPlane.grpcPort())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable stream : streams) {
      stream.close();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    controlPlane.close();
  }

  private SotwStream stream(String id) {
    SotwStream stream = new SotwStream(channel, Node.newBuilder().setId(id).build());
    streams.add(stream);
    return stream;
  }

  private static DynamicMessage config(Any resource) throws Exception {
    assertThat(resource.getTypeUrl()).isEqualTo(RLS);
    return DynamicMessage.parseFrom(RateLimitConfigSchema.CONFIG, resource.getValue());
  }

  private static Object field(DynamicMessage message, String name) {
    return message.getField(message.getDescriptorForType().findFieldByName(name));
  }

  @Test
  void policiesAreServedAsRateLimitConfigsAndChangesArePushed() throws Exception {
    SotwStream limits = stream("ratelimit-1");
    SotwStream envoy = stream("envoy-1");

    limits.subscribe(RLS);
    envoy.subscribe(XdsType.CLUSTERS.typeUrl());
    DiscoveryResponse first = limits.next(RLS);
    envoy.next(XdsType.CLUSTERS.typeUrl()); // the same port still serves Envoy
    limits.ack(first);

    List<DynamicMessage> configs = new ArrayList<>();
    for (Any resource : first.getResourcesList()) {
      configs.add(config(resource));
    }
    assertThat(configs)
        .extracting(c -> field(c, "name"))
        .containsExactly("shop/api-limits", "shop/web-limits");
    DynamicMessage api = configs.get(0);
    assertThat(field(api, "domain")).isEqualTo("api");
    DynamicMessage user = (DynamicMessage) ((List<?>) field(api, "descriptors")).get(0);
    DynamicMessage perUser = (DynamicMessage) field(user, "rate_limit");
    assertThat(field(perUser, "unit").toString()).isEqualTo("MINUTE");
    assertThat(field(perUser, "requests_per_unit")).isEqualTo(10);
    assertThat(field(perUser, "name")).isEqualTo("per-user");
    DynamicMessage gold =
        (DynamicMessage)
            field((DynamicMessage) ((List<?>) field(user, "descriptors")).get(0), "rate_limit");
    assertThat(field(gold, "window")).isEqualTo("5s");
    assertThat(field(gold, "algorithm")).isEqualTo("sliding_window");
    DynamicMessage web =
        (DynamicMessage)
            field(
                (DynamicMessage) ((List<?>) field(configs.get(1), "descriptors")).get(0),
                "rate_limit");
    assertThat(field(web, "burst")).isEqualTo(20);

    // A change is pushed with a new version; a NACK is not answered by sending it again: the
    // next response is the next change.
    write(POLICIES.replace("requests_per_unit: 10", "requests_per_unit: 12"));
    DiscoveryResponse second = limits.next(RLS);
    limits.nack(second, first.getVersionInfo(), "refused for the test");
    write(POLICIES.replace("requests_per_unit: 10", "requests_per_unit: 13"));
    DiscoveryResponse third = limits.next(RLS);

    assertThat(second.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
    DynamicMessage changed = config(second.getResources(0));
    DynamicMessage changedUser = (DynamicMessage) ((List<?>) field(changed, "descriptors")).get(0);
    assertThat(field((DynamicMessage) field(changedUser, "rate_limit"), "requests_per_unit"))
        .isEqualTo(12);
    DynamicMessage thirdUser =
        (DynamicMessage) ((List<?>) field(config(third.getResources(0)), "descriptors")).get(0);
    assertThat(field((DynamicMessage) field(thirdUser, "rate_limit"), "requests_per_unit"))
        .isEqualTo(13);
    limits.ack(third);

    // go-control-plane's client reconnects with its old stream's last nonce and the version it
    // holds: an older one is answered with the current version.
    SotwStream again = stream("ratelimit-1-again");
    again.resubscribe(RLS, first.getVersionInfo(), first.getNonce());
    assertThat(again.next(RLS).getVersionInfo()).isEqualTo(third.getVersionInfo());
  }

  /** A subscription by name, widened with an ACK, is answered with what it asks for now. */
  @Test
  void namedSubscriptionsAreAnsweredAsTheyChange() throws Exception {
    SotwStream limits = stream("ratelimit-named");

    limits.subscribe(RLS, "shop/web-limits");
    DiscoveryResponse one = limits.next(RLS);
    limits.ack(one, "shop/web-limits", "shop/api-limits");
    DiscoveryResponse both = limits.next(RLS);

    assertThat(one.getResourcesCount()).isEqualTo(1);
    assertThat(both.getResourcesCount()).isEqualTo(2);
  }

  /** Written whole, so the control plane's poll never reads a half-written file. */
  private void write(String yaml) throws Exception {
    Path next = resources.resolve(".policies.yaml.next");
    Files.writeString(next, yaml);
    Files.move(
        next,
        resources.resolve("policies.yaml"),
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
