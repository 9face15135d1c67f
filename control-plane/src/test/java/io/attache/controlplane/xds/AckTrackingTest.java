package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The callbacks alone, fed the requests and responses a stream would see. */
class AckTrackingTest {
  private static final String CDS = XdsType.CLUSTERS.typeUrl();
  private static final String EDS = XdsType.ENDPOINTS.typeUrl();
  private static final Node EDGE_NODE =
      Node.newBuilder().setId("envoy-1").setCluster("edge").build();
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AckTracking tracking =
      new AckTracking(
          new NodeGroups(), registry, Clock.fixed(NOW, ZoneOffset.UTC), new RejectedVersions());

  private double count(String metric, String type, String group) {
    Counter counter = registry.find(metric).tags("type", type, "group", group).counter();
    return counter == null ? 0 : counter.count();
  }

  private void respond(long stream, String typeUrl, String version, String nonce) {
    tracking.onV3StreamResponse(
        stream,
        DiscoveryRequest.getDefaultInstance(),
        DiscoveryResponse.newBuilder()
            .setTypeUrl(typeUrl)
            .setVersionInfo(version)
            .setNonce(nonce)
            .build());
  }

  private static DiscoveryRequest.Builder request(String typeUrl) {
    return DiscoveryRequest.newBuilder().setNode(EDGE_NODE).setTypeUrl(typeUrl);
  }

  private static Status error(String message) {
    return Status.newBuilder().setCode(3).setMessage(message).build();
  }

  @Test
  void aRequestAnsweringAResponseWithoutErrorIsAnAck() {
    tracking.onStreamOpen(1, "");
    tracking.onV3StreamRequest(1, request(CDS).build());
    respond(1, CDS, "v1", "0");

    tracking.onV3StreamRequest(1, request(CDS).setVersionInfo("v1").setResponseNonce("0").build());

    assertThat(count("attache.xds.acks", "clusters", "edge")).isEqualTo(1);
    assertThat(count("attache.xds.nacks", "clusters", "edge")).isZero();
  }

  @Test
  void aFirstRequestIsNeitherAckNorNack() {
    tracking.onStreamOpen(1, "");

    tracking.onV3StreamRequest(1, request(CDS).build());

    assertThat(registry.find("attache.xds.acks").counters()).isEmpty();
    assertThat(registry.find("attache.xds.nacks").counters()).isEmpty();
  }

  @Test
  void aNewSubscriptionRepeatingTheLastNonceIsNotASecondAck() {
    tracking.onStreamOpen(1, "");
    respond(1, EDS, "v1", "3");
    DiscoveryRequest.Builder ack = request(EDS).setVersionInfo("v1").setResponseNonce("3");

    tracking.onV3StreamRequest(1, ack.addResourceNames("a").build());
    tracking.onV3StreamRequest(1, ack.addResourceNames("b").build());

    assertThat(count("attache.xds.acks", "endpoints", "edge")).isEqualTo(1);
  }

  @Test
  void aNackIsCountedAndKeptWithTheRejectedVersionAndTheClientsMessage() {
    tracking.onStreamOpen(1, "");
    respond(1, CDS, "v2", "5");

    tracking.onV3StreamRequest(
        1,
        request(CDS)
            .setVersionInfo("v1")
            .setResponseNonce("5")
            .setErrorDetail(error("unknown cluster type"))
            .build());

    assertThat(count("attache.xds.nacks", "clusters", "edge")).isEqualTo(1);
    assertThat(tracking.lastNack("edge", XdsType.CLUSTERS))
        .contains(
            new Nack(
                "envoy-1",
                "edge",
                XdsType.CLUSTERS,
                Optional.of("v2"),
                "5",
                "unknown cluster type",
                NOW));
  }

  @Test
  void aNackOfAResponseWeDoNotRememberHasNoVersion() {
    tracking.onStreamOpen(1, "");

    tracking.onV3StreamRequest(
        1, request(CDS).setResponseNonce("9").setErrorDetail(error("bad")).build());

    assertThat(tracking.lastNack("edge", XdsType.CLUSTERS))
        .hasValueSatisfying(nack -> assertThat(nack.rejectedVersion()).isEmpty());
  }

  @Test
  void aDeltaNackIsCountedAndKept() {
    tracking.onStreamOpen(2, "");
    tracking.onV3StreamDeltaResponse(
        2,
        DeltaDiscoveryRequest.getDefaultInstance(),
        DeltaDiscoveryResponse.newBuilder()
            .setTypeUrl(EDS)
            .setSystemVersionInfo("v7")
            .setNonce("0")
            .build());

    tracking.onV3StreamDeltaRequest(
        2,
        DeltaDiscoveryRequest.newBuilder()
            .setNode(EDGE_NODE)
            .setTypeUrl(EDS)
            .setResponseNonce("0")
            .setErrorDetail(error("no endpoints"))
            .build());

    assertThat(count("attache.xds.nacks", "endpoints", "edge")).isEqualTo(1);
    assertThat(tracking.lastNack("edge", XdsType.ENDPOINTS).flatMap(Nack::rejectedVersion))
        .contains("v7");
  }

  @Test
  void theNodeOfAnEarlierRequestNamesTheGroupOfLaterOnes() {
    tracking.onStreamOpen(1, "");
    tracking.onV3StreamRequest(1, request(CDS).build());

    tracking.onV3StreamRequest(
        1, DiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce("0").build());

    assertThat(count("attache.xds.acks", "clusters", "edge")).isEqualTo(1);
  }

  @Test
  void typesWeDoNotServeShareOneLabel() {
    tracking.onStreamOpen(1, "");

    tracking.onV3StreamRequest(
        1, request("type.googleapis.com/some.Thing").setResponseNonce("0").build());

    assertThat(count("attache.xds.acks", AckTracking.OTHER_TYPE, "edge")).isEqualTo(1);
  }

  @Test
  void theGaugeFollowsStreamsOpeningAndClosing() {
    tracking.onStreamOpen(1, "");
    tracking.onStreamOpen(2, "");
    tracking.onStreamOpen(3, "");

    tracking.onStreamClose(1, "");
    tracking.onStreamCloseWithError(2, "", new RuntimeException("reset"));

    assertThat(registry.get("attache.xds.streams.open").gauge().value()).isEqualTo(1);
  }
}
