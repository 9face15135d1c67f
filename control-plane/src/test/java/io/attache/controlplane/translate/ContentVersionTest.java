package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ContentVersionTest {
  private static String of(String cluster) {
    return new ContentVersion().of(Cluster.newBuilder().setName(cluster).build());
  }

  @Test
  void aTypesVersionDependsOnItsResourcesNotOnTheirOrder() {
    String a = of("a");
    String b = of("b");

    assertThat(new ContentVersion().add(a).add(b).value())
        .isEqualTo(new ContentVersion().add(b).add(a).value())
        .isNotEqualTo(new ContentVersion().add(a).value())
        .hasSize(16);
  }

  /** What lets a publisher update a type's version for the resources that changed alone. */
  @Test
  void replacingOneResourcesVersionGivesTheVersionOfTheNewSet() {
    String a = of("a");
    String b = of("b");
    String changed = of("b2");
    ContentVersion before = new ContentVersion().add(a).add(b);

    ContentVersion after = before.copy().remove(b).add(changed);

    assertThat(after.value()).isEqualTo(new ContentVersion().add(a).add(changed).value());
    assertThat(before.value()).isEqualTo(new ContentVersion().add(a).add(b).value());
  }

  private static RouteConfiguration routes(int hosts, String firstDomain) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName("gw:80");
    for (int i = 0; i < hosts; i++) {
      config.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName("gw:80/host-" + i)
              .addDomains(i == 0 ? firstDomain : "host-" + i + ".example.com"));
    }
    return config.build();
  }

  private static byte[] sha256(byte[]... parts) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  /**
   * A Gateway port's routes with many hosts are hashed host by host: the version is pinned to its
   * definition, so a restarted control plane (with nothing remembered) gives the same one.
   */
  @Test
  void routesOfManyHostsAreVersionedFromTheirHostsDigests() throws Exception {
    RouteConfiguration config = routes(3_000, "a.example.com");
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    expected.write(sha256(config.toBuilder().clearVirtualHosts().build().toByteArray()));
    for (VirtualHost host : config.getVirtualHostsList()) {
      expected.write(sha256(host.toByteArray()));
    }

    assertThat(new ContentVersion().of(config))
        .isEqualTo(HexFormat.of().formatHex(sha256(expected.toByteArray()), 0, 16))
        .isEqualTo(new ContentVersion().of(routes(3_000, "a.example.com")))
        .isNotEqualTo(new ContentVersion().of(routes(3_000, "b.example.com")));
  }

  @Test
  void routesOfFewHostsAreVersionedFromTheirEncoding() throws Exception {
    RouteConfiguration config = routes(3, "a.example.com");

    assertThat(new ContentVersion().of(config))
        .isEqualTo(HexFormat.of().formatHex(sha256(config.toByteArray()), 0, 16));
  }
}
