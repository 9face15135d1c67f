package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzz target for {@code x-forwarded-client-cert}. With {@code APPEND_FORWARD} the client writes
 * whatever it likes before the element Envoy appends, so whatever that prefix is, the principal
 * read is the one of Envoy's element or none: a client can fail its own identity, never choose it.
 * The element is built here as Envoy writes it (Subject quoted with {@code \"} escapes, URI and DNS
 * bare).
 */
class ForwardedClientCertFuzzTest {

  /** Lines of the input: the client's part, then Envoy's URI SAN, DNS SAN and subject. */
  @FuzzTest
  void aClientsPrefixNeverChoosesThePrincipal(byte[] input) {
    String[] lines = (new String(input, StandardCharsets.UTF_8) + "\n\n\n").split("\n", 4);
    String clients = lines[0];
    String uri = bare(lines[1]);
    String dns = bare(lines[2]);
    String subject = "CN=" + lines[3].strip().replace("\\", "").replace("\"", "\\\"");
    String envoys =
        "By=spiffe://cluster.local/ns/edge/sa/envoy;Hash=0a1b;Subject=\""
            + subject
            + "\""
            + (uri.isEmpty() ? "" : ";URI=" + uri)
            + (dns.isEmpty() ? "" : ";DNS=" + dns);

    Optional<String> alone = ForwardedClientCert.principal(envoys);
    Optional<String> appended = ForwardedClientCert.principal(clients + "," + envoys);
    Optional<String> whole = ForwardedClientCert.principal(clients);

    assertThat(alone).isPresent();
    assertThat(appended.isEmpty() || appended.equals(alone))
        .as("principal of %s is %s, Envoy's element says %s", clients, appended, alone)
        .isTrue();
    whole.ifPresent(principal -> assertThat(principal).isNotEmpty());
  }

  /** A SAN as Envoy writes it bare: without separators, quotes or blanks at its ends. */
  private static String bare(String text) {
    return text.replaceAll("[,;=\"\\\\]", "").strip();
  }
}
