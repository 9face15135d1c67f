package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** XFCC as Envoy writes it (configuration/http/http_conn_man/headers, x-forwarded-client-cert). */
class ForwardedClientCertTest {

  @Test
  void theUriSanIsThePrincipalAndByIsNot() {
    assertThat(
            ForwardedClientCert.principal(
                "By=spiffe://cluster.local/ns/edge/sa/envoy;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;"
                    + "Subject=\"/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client\";URI=spiffe://cluster.local/ns/shop/sa/web"))
        .contains("spiffe://cluster.local/ns/shop/sa/web");
  }

  @Test
  void withoutAUriTheDnsSanThenTheSubject() {
    assertThat(ForwardedClientCert.principal("Hash=ab;URI=;DNS=web.shop.svc;DNS=web"))
        .contains("web.shop.svc");
    assertThat(
            ForwardedClientCert.principal(
                "Hash=ab;Subject=\"CN=web,OU=shop,O=\\\"Acme; Inc\\\"\";URI="))
        .contains("CN=web,OU=shop,O=\"Acme; Inc\"");
  }

  @Test
  void onlyTheLastElementCountsForItIsTheOneEnvoyAppended() {
    // APPEND_FORWARD: the client's own XFCC first, then Envoy's element for the verified cert.
    assertThat(
            ForwardedClientCert.principal(
                "URI=spiffe://cluster.local/ns/shop/sa/admin,"
                    + "By=spiffe://edge;Hash=cd;URI=spiffe://cluster.local/ns/shop/sa/web"))
        .contains("spiffe://cluster.local/ns/shop/sa/web");
    // A comma inside a quoted subject does not start an element.
    assertThat(ForwardedClientCert.principal("Hash=ab;Subject=\"CN=a,O=b\"")).contains("CN=a,O=b");
  }

  @Test
  void aMalformedHeaderNamesNobody() {
    assertThat(ForwardedClientCert.principal("")).isEmpty();
    assertThat(ForwardedClientCert.principal("Hash=ab")).isEmpty();
    assertThat(ForwardedClientCert.principal("URI")).isEmpty();
    assertThat(ForwardedClientCert.principal("Subject=\"CN=unclosed;URI=spiffe://x")).isEmpty();
    assertThat(ForwardedClientCert.principal("URI=spiffe://a\"b")).isEmpty();
  }
}
