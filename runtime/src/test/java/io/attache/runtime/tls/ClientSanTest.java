package io.attache.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.testsupport.tls.TestPki;
import io.attache.testsupport.tls.TestPki.Usage;
import org.junit.jupiter.api.Test;

/**
 * {@code GRPC_CLIENT_TLS_SAN} matches as Go's {@code x509.Certificate.VerifyHostname} does, which
 * the reference rate-limit service uses ({@code src/server/server_impl.go}, {@code
 * x509.VerifyOptions{DNSName: san}}); Go's rules: {@code crypto/x509/verify.go} {@code
 * matchHostnames}.
 */
class ClientSanTest {
  private static final TestPki PKI = TestPki.ec("san-test-ca");

  @Test
  void aDnsSanMatchesCaseInsensitivelyIgnoringATrailingDot() {
    var certificate = PKI.issue(Usage.CLIENT, "Envoy.Edge.svc.").certificate();
    assertThat(new ClientSan("envoy.edge.svc").matches(certificate)).isTrue();
    assertThat(new ClientSan("envoy.edge").matches(certificate)).isFalse();
  }

  @Test
  void aWildcardStandsForExactlyOneLeftmostLabel() {
    assertThat(ClientSan.hostnameMatches("*.edge.svc", "envoy.edge.svc")).isTrue();
    assertThat(ClientSan.hostnameMatches("*.edge.svc", "a.envoy.edge.svc")).isFalse();
    assertThat(ClientSan.hostnameMatches("*.edge.svc", "edge.svc")).isFalse();
    assertThat(ClientSan.hostnameMatches("envoy.*.svc", "envoy.edge.svc")).isFalse();
  }

  @Test
  void theCommonNameIsNeverConsulted() {
    var certificate = PKI.issue(Usage.CLIENT, "envoy", "other.name").certificate();
    assertThat(new ClientSan("envoy").matches(certificate)).isTrue(); // first name is also a SAN
    var cnOnly = PKI.issue(Usage.CLIENT, "spiffe://cluster.local/ns/edge/sa/envoy").certificate();
    assertThat(new ClientSan("cluster.local").matches(cnOnly)).isFalse();
  }

  @Test
  void anIpAddressMatchesOnlyAnIpSan() {
    var certificate = PKI.issue(Usage.CLIENT, "10.0.0.7", "envoy").certificate();
    assertThat(new ClientSan("10.0.0.7").matches(certificate)).isTrue();
    assertThat(new ClientSan("10.0.0.8").matches(certificate)).isFalse();
  }

  @Test
  void aUriMatchesAUriSanExactly() {
    var certificate =
        PKI.issue(Usage.CLIENT, "spiffe://cluster.local/ns/edge/sa/envoy").certificate();
    assertThat(new ClientSan("spiffe://cluster.local/ns/edge/sa/envoy").matches(certificate))
        .isTrue();
    assertThat(new ClientSan("spiffe://cluster.local/ns/edge/sa/curl").matches(certificate))
        .isFalse();
  }
}
