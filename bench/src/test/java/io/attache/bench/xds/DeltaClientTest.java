package io.attache.bench.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** The light delta client reads what it needs from a response's bytes without building it. */
class DeltaClientTest {
  @Test
  void aResponseIsScannedForItsTypeNonceAndResourceCount() throws Exception {
    DeltaDiscoveryResponse.Builder response =
        DeltaDiscoveryResponse.newBuilder()
            .setSystemVersionInfo("v7")
            .setTypeUrl(AdsClient.CDS)
            .setNonce("n-42")
            .addRemovedResources("gone");
    for (int i = 0; i < 3; i++) {
      response.addResources(
          Resource.newBuilder()
              .setName("cluster-" + i)
              .setVersion("1")
              .setResource(
                  Any.newBuilder()
                      .setTypeUrl(AdsClient.CDS)
                      .setValue(ByteString.copyFromUtf8("x".repeat(1000)))));
    }
    byte[] bytes = response.build().toByteArray();

    DeltaClient.Summary summary = DeltaClient.Summary.scan(new ByteArrayInputStream(bytes));

    assertThat(summary).isEqualTo(new DeltaClient.Summary(AdsClient.CDS, "n-42", 3, bytes.length));
  }
}
