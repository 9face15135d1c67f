package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import org.junit.jupiter.api.Test;

class RejectedVersionsTest {
  private final RejectedVersions rejections = new RejectedVersions();
  private final DiscoveryRequest nack = DiscoveryRequest.newBuilder().setResponseNonce("4").build();

  @Test
  void theWatchOfTheOfferedNackTakesItsVersionOnce() {
    rejections.offer(nack, "v2");

    assertThat(rejections.take(nack)).contains("v2");
    assertThat(rejections.take(nack)).isEmpty();
  }

  @Test
  void anEqualButOtherRequestTakesNothingAndClearsTheSlot() {
    rejections.offer(nack, "v2");

    assertThat(rejections.take(nack.toBuilder().build())).isEmpty();
    assertThat(rejections.take(nack)).isEmpty();
  }

  @Test
  void anotherThreadSeesNothing() throws Exception {
    rejections.offer(nack, "v2");
    boolean[] seen = new boolean[1];

    Thread other = new Thread(() -> seen[0] = rejections.take(nack).isPresent());
    other.start();
    other.join();

    assertThat(seen[0]).isFalse();
    assertThat(rejections.take(nack)).contains("v2");
  }
}
