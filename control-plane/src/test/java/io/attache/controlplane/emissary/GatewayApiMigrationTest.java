package io.attache.controlplane.emissary;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mappings and Hosts from Emissary's documentation, each case citing the page its behaviour comes
 * from (getambassador.io/docs/emissary/latest/...), as Gateway API objects.
 */
class GatewayApiMigrationTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static final String HOST =
      """
      apiVersion: getambassador.io/v3alpha1
      kind: Host
      metadata: {name: example, namespace: emissary}
      spec:
        hostname: example.com
        tlsSecret: {name: example-tls}
      ---
      """;

  static EmissaryObjects read(String yaml) {
    EmissaryObjects objects = new EmissaryObjects();
    int i = 0;
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        objects.read("test.yaml#" + ++i, YAML.unmarshal(document, Map.class));
      }
    }
    return objects;
  }

  static GatewayApiMigration.Result migrate(String yaml) {
    EmissaryObjects objects = read(yaml);
    assertThat(objects.errors()).isEmpty();
    return GatewayApiMigration.migrate(
        objects.mappings(), objects.hosts(), objects.listeners(), objects.tlsContexts(), "attache");
  }

  private static String mapping(String name, String spec) {
    return "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: "
        + name
        + ", namespace: shop}\nspec:\n  hostname: example.com\n"
        + spec.indent(2)
        + "---\n";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> route(GatewayApiMigration.Result result, String name) {
    return result.objects().stream()
        .filter(o -> o.get("kind").equals("HTTPRoute"))
        .filter(o -> ((Map<String, Object>) o.get("metadata")).get("name").equals(name))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> rule(GatewayApiMigration.Result result, String name) {
    Map<String, Object> spec = (Map<String, Object>) route(result, name).get("spec");
    return ((List<Map<String, Object>>) spec.get("rules")).get(0);
  }

  /** The YAML on one line, so a test can look for a few fields together. */
  private static String yaml(Object value) {
    return YAML.asYaml(value).replaceAll("\\s*\\n[\\s-]*", " ");
  }

  /** topics/using/rewrites: the prefix is rewritten to / unless rewrite says; "" keeps it. */
  @Test
  void thePrefixIsRewrittenToSlashUnlessRewriteSaysOtherwise() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("default", "prefix: /backend-api/\nservice: service1")
                + mapping("v1", "prefix: /v1-api/\nrewrite: /v1/\nservice: service1")
                + mapping("kept", "prefix: /kept/\nrewrite: \"\"\nservice: service1"));

    assertThat(yaml(rule(result, "default")))
        .contains("type: \"ReplacePrefixMatch\"")
        .contains("replacePrefixMatch: \"/\"");
    assertThat(yaml(rule(result, "v1"))).contains("replacePrefixMatch: \"/v1/\"");
    assertThat(rule(result, "kept")).doesNotContainKey("filters");
  }

  /**
   * topics/using/canary: a weighted Mapping gets its share, the Mappings without a weight split the
   * rest (irbasemappinggroup.py, Python's round half to even; the last takes what is left).
   */
  @Test
  void canaryWeightsSplitWhatIsLeftAmongMappingsWithoutAWeight() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("quote", "prefix: /backend/\nservice: quote")
                + mapping("quote-canary", "prefix: /backend/\nservice: quote-canary\nweight: 10")
                + mapping("a", "prefix: /three/\nservice: a")
                + mapping("b", "prefix: /three/\nservice: b\nweight: 50")
                + mapping("c", "prefix: /three/\nservice: c"));

    assertThat(yaml(rule(result, "quote")))
        .contains("name: \"quote\" port: 80 weight: 90")
        .contains("name: \"quote-canary\" port: 80 weight: 10");
    assertThat(yaml(rule(result, "a")))
        .contains("name: \"a\" port: 80 weight: 25")
        .contains("name: \"b\" port: 80 weight: 50")
        .contains("name: \"c\" port: 80 weight: 25");
    assertThat(
            MappingGroups.weights(
                read(mapping("x", "prefix: /x/\nservice: x\nweight: 75")
                        + mapping("y", "prefix: /x/\nservice: y")
                        + mapping("z", "prefix: /x/\nservice: z"))
                    .mappings()))
        .as("25 over two rounds half to even: 12, and the last takes 13")
        .containsExactly(75, 12, 13);
  }

  /** topics/using/timeouts: 3000 ms unless timeout_ms says; 0 disables it. */
  @Test
  void theRequestTimeoutIsThreeSecondsUnlessTimeoutMsSays() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("default", "prefix: /a/\nservice: a")
                + mapping("none", "prefix: /b/\nservice: b\ntimeout_ms: 0")
                + mapping("odd", "prefix: /c/\nservice: c\ntimeout_ms: 1500"));

    assertThat(yaml(rule(result, "default"))).contains("request: \"3s\"");
    assertThat(yaml(rule(result, "none"))).contains("request: \"0s\"");
    assertThat(yaml(rule(result, "odd"))).contains("request: \"1500ms\"");
  }

  /**
   * topics/using/headers/headers and query_parameters: exact values; true means present (any
   * value); regex_headers are regular expressions. An exact :authority is the host.
   */
  @Test
  void headerAndQueryMatchesKeepTheirKinds() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping(
                    "matches",
                    """
                    prefix: /m/
                    service: m
                    method: POST
                    headers: {x-exact: "yes", x-present: true}
                    regex_headers: {x-version: "v[12]"}
                    query_parameters: {debug: true}
                    regex_query_parameters: {page: "[0-9]+"}
                    """));

    String rule = yaml(rule(result, "matches"));
    assertThat(rule)
        .contains("type: \"Exact\" name: \"x-exact\" value: \"yes\"")
        .contains("type: \"RegularExpression\" name: \"x-present\" value: \".*\"")
        .contains("type: \"RegularExpression\" name: \"x-version\" value: \"v[12]\"")
        .contains("name: \"debug\" value: \".*\"")
        .contains("name: \"page\" value: \"[0-9]+\"")
        .contains("method: \"POST\"");
  }

  /** topics/using/headers/add_request_headers: appended unless append: false, which replaces. */
  @Test
  void addedHeadersAppendUnlessToldNotTo() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping(
                    "headers",
                    """
                    prefix: /h/
                    service: h
                    add_request_headers:
                      x-appended: one
                      x-replaced: {value: two, append: false}
                    remove_request_headers: [x-secret]
                    add_response_headers: {x-served-by: attache}
                    """));

    String rule = yaml(rule(result, "headers"));
    assertThat(rule)
        .contains("set: name: \"x-replaced\" value: \"two\"")
        .contains("add: name: \"x-appended\" value: \"one\"")
        .contains("remove: \"x-secret\"")
        .contains("type: \"ResponseHeaderModifier\"");
  }

  /** topics/using/redirects: host_redirect sends to the service as host, 301 unless told. */
  @Test
  void aHostRedirectGoesToTheServiceWithEnvoysDefaultStatus() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping(
                    "moved",
                    "prefix: /old/\nservice: new.example.com:8443\nhost_redirect: true\n"
                        + "path_redirect: /new")
                + mapping(
                    "found",
                    "prefix: /tmp/\nservice: other.example.com\nhost_redirect: true\n"
                        + "redirect_response_code: 302"));

    assertThat(yaml(rule(result, "moved")))
        .contains("hostname: \"new.example.com\"")
        .contains("port: 8443")
        .contains("replaceFullPath: \"/new\"")
        .contains("statusCode: 301")
        .doesNotContain("backendRefs");
    assertThat(yaml(rule(result, "found"))).contains("statusCode: 302");
  }

  /**
   * topics/running/host-crd: HTTPS with the Host's Secret; plaintext redirected (the default),
   * routed (Route) or refused (Reject).
   */
  @Test
  void hostsBecomeListenersAndTheirInsecurePolicyDecidesPlaintext() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + """
                apiVersion: getambassador.io/v3alpha1
                kind: Host
                metadata: {name: plain, namespace: emissary}
                spec:
                  hostname: plain.example.com
                  tlsSecret: {name: plain-tls, namespace: certs}
                  requestPolicy: {insecure: {action: Route}}
                ---
                """
                + mapping("shop", "prefix: /shop/\nservice: shop")
                + mapping("p", "hostname: plain.example.com\nprefix: /p/\nservice: p")
                    .replace("  hostname: example.com\n", ""));

    String all = yaml(result.objects());
    assertThat(all)
        .contains("name: \"https-example\"")
        .contains("name: \"https-plain\"")
        .contains("name: \"emissary-redirect-example\"")
        .contains("kind: \"ReferenceGrant\"");
    assertThat(yaml(route(result, "shop"))).doesNotContain("sectionName: \"http\"");
    assertThat(yaml(route(result, "p")))
        .contains("sectionName: \"https-plain\"")
        .contains("sectionName: \"http\"");
  }

  /** irhost.py matches_httpgroup: a Mapping without hostname matches no Host. */
  @Test
  void aMappingWithoutHostnameOrWithoutAHostIsLeftOutAndReported() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("nohost", "prefix: /a/\nservice: a")
                    .replace("  hostname: example.com\n", "")
                + mapping("elsewhere", "prefix: /b/\nservice: b")
                    .replace("example.com", "other.org"));

    assertThat(result.objects()).noneMatch(o -> yaml(o).contains("name: \"nohost\""));
    assertThat(result.report())
        .anyMatch(line -> line.startsWith("Mapping shop/nohost: left out: without spec.hostname"))
        .anyMatch(
            line ->
                line.equals("Mapping shop/elsewhere: left out: no Host serves hostname other.org"));
  }

  /**
   * topics/running/host-crd (controlling association with Mappings) and irhost.py matches_httpgroup
   * with strict selectors: a Host's mappingSelector and a Mapping's hostname must both match when
   * both are given; a Mapping without hostname goes to the Hosts whose selector picks it, and
   * serves their hostnames.
   */
  @Test
  void aHostsMappingSelectorChoosesMappingsByTheirLabels() {
    String hosts =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: shop, namespace: emissary}
        spec:
          hostname: shop.example.com
          tlsSecret: {name: shop-tls}
          mappingSelector: {matchLabels: {team: shop}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: docs, namespace: emissary}
        spec:
          hostname: docs.example.com
          tlsSecret: {name: docs-tls}
        ---
        """;
    String labelled = "metadata: {name: %s, namespace: shop, labels: {team: shop}}";
    GatewayApiMigration.Result result =
        migrate(
            hosts
                + mapping("cart", "prefix: /cart/\nservice: cart")
                    .replace("  hostname: example.com\n", "")
                    .replace("metadata: {name: cart, namespace: shop}", labelled.formatted("cart"))
                + mapping("other", "prefix: /other/\nservice: other")
                    .replace("  hostname: example.com\n", "")
                + mapping("wrong-host", "prefix: /w/\nservice: w")
                    .replace("example.com", "docs.example.com")
                    .replace(
                        "metadata: {name: wrong-host, namespace: shop}",
                        labelled.formatted("wrong-host"))
                + mapping("unlabelled", "prefix: /u/\nservice: u")
                    .replace("example.com", "shop.example.com"));

    assertThat(yaml(route(result, "cart").get("spec")))
        .contains("sectionName: \"https-shop\"")
        .contains("hostnames: \"shop.example.com\"");
    assertThat(yaml(route(result, "wrong-host").get("spec")))
        .contains("sectionName: \"https-docs\"")
        .doesNotContain("https-shop");
    assertThat(result.report())
        .contains(
            "Mapping shop/unlabelled: left out: no Host serves hostname shop.example.com",
            "Mapping shop/other: left out: without spec.hostname a Mapping matches no Host but one"
                + " whose mappingSelector selects it (Emissary's own examples set hostname: \"*\")");
  }

  /**
   * topics/running/listener: each Listener is a port; HTTPS ports get a listener per Host they bind
   * with a TLS Secret, HTTP ports carry the Hosts' routes when SECURE (TLS ended in front) and
   * their redirects to HTTPS otherwise; hostBinding picks Hosts by namespace and labels
   * (irlistener.py matches_host).
   */
  @Test
  void listenersGiveThePortsAndBindTheirHosts() {
    String listeners =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: https, namespace: emissary}
        spec:
          port: 443
          protocol: HTTPS
          securityModel: XFP
          hostBinding: {namespace: {from: ALL}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: behind-lb, namespace: emissary}
        spec:
          port: 80
          protocol: HTTP
          securityModel: SECURE
          hostBinding: {namespace: {from: SELF}, selector: {matchLabels: {lb: "yes"}}}
        ---
        """;
    GatewayApiMigration.Result result =
        migrate(
            listeners
                + HOST.replace(
                    "metadata: {name: example, namespace: emissary}",
                    "metadata: {name: example, namespace: emissary, labels: {lb: \"yes\"}}")
                + mapping("a", "prefix: /a/\nservice: a"));

    String gateway = yaml(result.objects().get(0));
    assertThat(gateway)
        .contains("name: \"http-80\" port: 80 protocol: \"HTTP\"")
        .contains("name: \"https-example-443\" hostname: \"example.com\" port: 443")
        .doesNotContain("8080")
        .doesNotContain("8443");
    assertThat(yaml(route(result, "a").get("spec")))
        .contains("sectionName: \"https-example-443\"")
        .contains("sectionName: \"http-80\"");
    assertThat(result.objects()).noneMatch(o -> yaml(o).contains("emissary-redirect-"));
  }

  @Test
  void withoutListenersTheChartsTwoAreUsedAndAnUnboundHostIsReported() {
    String self =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: https, namespace: edge}
        spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: {namespace: {from: SELF}}}
        ---
        """;
    assertThat(yaml(migrate(HOST + mapping("a", "prefix: /a/\nservice: a")).objects().get(0)))
        .contains("name: \"http\" port: 8080")
        .contains("name: \"https-example\" hostname: \"example.com\" port: 8443");
    assertThat(migrate(self + HOST + mapping("a", "prefix: /a/\nservice: a")).report())
        .contains(
            "Host emissary/example: no Listener binds it (hostBinding), so nothing serves it",
            "Mapping shop/a: left out: no Host serves hostname example.com");
  }

  /**
   * ir.py save_listener keeps one Listener per port; two Hosts of one name in two namespaces still
   * get a listener each; Secrets of one namespace need one ReferenceGrant; redirects are never sent
   * to ext-authz (v3route.py); a TLSContext is found by name in any namespace.
   */
  @Test
  void whatSharesAPortOrANameStaysServable() {
    String yaml =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: a, namespace: emissary}
        spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: b, namespace: emissary}
        spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Listener
        metadata: {name: http, namespace: emissary}
        spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: TLSContext
        metadata: {name: web-context, namespace: elsewhere}
        spec: {min_tls_version: v1.3}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: web, namespace: one}
        spec: {hostname: one.example.com, tlsSecret: {name: one-tls, namespace: certs}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: web, namespace: two}
        spec: {hostname: two.example.com, tlsSecret: {name: two-tls, namespace: certs}}
        ---
        """;
    GatewayApiMigration.Result result = migrate(yaml);

    String gateway = yaml(result.objects().get(0));
    assertThat(gateway)
        .contains("name: \"https-web\" hostname: \"one.example.com\"")
        .contains("name: \"https-two-web\" hostname: \"two.example.com\"")
        .contains("attache.io/min-tls-version: \"1.3\"");
    assertThat(result.report())
        .contains(
            "Listener emissary/b: left out: port 8443 is emissary/a's (one Listener per port)");
    assertThat(result.objects()).filteredOn(o -> o.get("kind").equals("ReferenceGrant")).hasSize(1);
    assertThat(result.objects())
        .filteredOn(o -> yaml(o).contains("emissary-redirect-web"))
        .hasSize(2)
        .allSatisfy(
            redirect ->
                assertThat(metadata(redirect).get("annotations"))
                    .isEqualTo(Map.of("attache.io/ext-authz", "disabled")));
  }

  @Test
  void aListenerAttacheCannotServeIsAnErrorNamingTheField() {
    EmissaryObjects objects =
        read(
            """
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: tcp, namespace: emissary}
            spec: {port: 9000, protocol: TCP, securityModel: XFP, hostBinding: {namespace: {}}}
            ---
            apiVersion: getambassador.io/v3alpha1
            kind: Listener
            metadata: {name: lb, namespace: emissary}
            spec: {port: 8080, protocol: HTTP, securityModel: XFP, l7Depth: 1, hostBinding: {}}
            """);

    assertThat(objects.listeners()).isEmpty();
    assertThat(objects.errors())
        .containsExactlyInAnyOrder(
            "test.yaml#1: Listener emissary/tcp: spec.protocol: only HTTP and HTTPS are served (not"
                + " the PROXY protocol, TCP, TLS or UDP), was TCP",
            "test.yaml#1: Listener emissary/tcp: spec.hostBinding.namespace.from: required, SELF or"
                + " ALL",
            "test.yaml#2: Listener emissary/lb: spec.l7Depth: with XFP behind a proxy,"
                + " X-Forwarded-Proto decides security, which Gateway API listeners cannot match on;"
                + " use SECURE or INSECURE for that port",
            "test.yaml#2: Listener emissary/lb: spec.hostBinding: must have at least one of"
                + " namespace or selector");
  }

  /**
   * topics/running/tls (TLSContext; irhost.py: the context a Host names, else its inline tls, else
   * the one named {@code <host>-context}): versions, ciphers, curves and ALPN become the HTTPS
   * listener's tls.options, which the control plane turns into Envoy's TLS parameters.
   */
  @Test
  void tlsContextsSetTheHttpsListenersOptions() {
    String contexts =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: TLSContext
        metadata: {name: modern, namespace: emissary}
        spec:
          hosts: [example.com]
          secret: example-tls
          min_tls_version: v1.2
          cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]
          alpn_protocols: h2, http/1.1
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: TLSContext
        metadata: {name: other-context, namespace: emissary}
        spec: {max_tls_version: v1.2, ecdh_curves: [X25519]}
        ---
        """;
    String other =
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: other, namespace: emissary}
        spec: {hostname: other.com, tlsSecret: {name: other-tls}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: inline, namespace: emissary}
        spec: {hostname: inline.com, tlsSecret: {name: inline-tls}, tls: {min_tls_version: v1.3}}
        ---
        """;
    GatewayApiMigration.Result result =
        migrate(
            contexts
                + HOST.replace(
                    "tlsSecret: {name: example-tls}",
                    "tlsSecret: {name: example-tls}\n  tlsContext: {name: modern}")
                + other);

    String gateway = yaml(result.objects().get(0));
    assertThat(gateway)
        .contains(
            "name: \"https-example\" hostname: \"example.com\" port: 8443 protocol: \"HTTPS\" tls:"
                + " mode: \"Terminate\" certificateRefs: name: \"example-tls\" options:"
                + " attache.io/min-tls-version: \"1.2\" attache.io/cipher-suites:"
                + " \"ECDHE-RSA-AES128-GCM-SHA256\" attache.io/alpn-protocols: \"h2,http/1.1\"")
        .contains("options: attache.io/max-tls-version: \"1.2\" attache.io/ecdh-curves: \"X25519\"")
        .contains("options: attache.io/min-tls-version: \"1.3\"");
    assertThat(result.report()).isEmpty();
  }

  @Test
  void aTlsContextThatCannotBeUsedIsReportedAndWhatIsNotServedRefused() {
    GatewayApiMigration.Result result =
        migrate(
            """
            apiVersion: getambassador.io/v3alpha1
            kind: TLSContext
            metadata: {name: wrong, namespace: emissary}
            spec: {secret: someone-else, min_tls_version: v1.3}
            ---
            """
                + HOST.replace(
                    "tlsSecret: {name: example-tls}",
                    "tlsSecret: {name: example-tls}\n  tlsContext: {name: wrong}"));
    // irhost.py save_context: the Host goes inactive rather than serve weaker TLS
    assertThat(result.report())
        .containsExactly(
            "Host emissary/example: left out of HTTPS: its TLSContext emissary/wrong names Secret"
                + " someone-else, not the Host's example-tls");
    assertThat(yaml(result.objects().get(0))).doesNotContain("https-example");

    EmissaryObjects objects =
        read(
            """
            apiVersion: getambassador.io/v3alpha1
            kind: TLSContext
            metadata: {name: mtls, namespace: emissary}
            spec: {ca_secret: ca, cert_required: true, min_tls_version: "1.2"}
            """);
    assertThat(objects.errors())
        .containsExactlyInAnyOrder(
            "test.yaml#1: TLSContext emissary/mtls: spec.ca_secret: not supported by Attaché (an"
                + " Emissary TLSContext field it does not serve)",
            "test.yaml#1: TLSContext emissary/mtls: spec.cert_required: not supported by Attaché"
                + " (an Emissary TLSContext field it does not serve)",
            "test.yaml#1: TLSContext emissary/mtls: spec.min_tls_version: must be v1.0, v1.1, v1.2"
                + " or v1.3, was 1.2");
  }

  @Test
  void aSelectorEmissaryWouldNotReadIsAnErrorNamingIt() {
    EmissaryObjects objects =
        read(
            """
            apiVersion: getambassador.io/v3alpha1
            kind: Host
            metadata: {name: shop, namespace: emissary}
            spec:
              hostname: shop.example.com
              mappingSelector: {matchExpressions: [{key: team, operator: In, values: [a]}]}
            """);

    assertThat(objects.errors())
        .containsExactly(
            "test.yaml#1: Host emissary/shop: spec.mappingSelector.matchExpressions: Emissary"
                + " selects Mappings by matchLabels only");
  }

  @Test
  void whatCannotBeCarriedIsReportedWithItsField() {
    GatewayApiMigration.Result result =
        migrate(HOST + mapping("extras", "prefix: /x/\nservice: https://x\ntls: upstream"));

    assertThat(result.report())
        .anyMatch(line -> line.startsWith("Mapping shop/extras: spec.tls: not carried over"))
        .contains(
            "Mapping shop/extras: note: spec.service: its requests (https://, or spec.tls) go only"
                + " over TLS that a BackendTLSPolicy for Service shop/x port 443 originates, naming"
                + " the CA and hostname to verify (none is guessed); until one does, its requests"
                + " fail (attache.io/backend-tls)");
  }

  /**
   * ircluster.py: a Mapping with {@code tls} (a TLSContext, or true) originates TLS to a
   * scheme-less service too, on port 443 unless given; {@code tls: false} does not.
   */
  @Test
  void aTlsMappingsServiceIsABackendThatNeedsTlsOn443() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("ledger", "prefix: /ledger/\nservice: ledger\ntls: upstream")
                + mapping("plain", "prefix: /plain/\nservice: plain\ntls: false"));

    Map<?, ?> ledger = route(result, "ledger");
    assertThat(((Map<?, ?>) ledger.get("metadata")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/backend-tls", "shop/ledger:443",
                "attache.io/path-prefix", "string"));
    assertThat(ledger.toString()).contains("port=443");
    Map<?, ?> plain = route(result, "plain");
    assertThat(plain.toString()).contains("port=80").doesNotContain("backend-tls");
  }

  /**
   * Emissary originates TLS to an https:// service without verifying it (ircluster.py,
   * v3cluster.py's null context); the route says the backend needs TLS, so it is never sent in the
   * clear, and a BackendTLSPolicy gives it verified TLS.
   */
  @Test
  void anHttpsServiceIsABackendThatNeedsTls() {
    GatewayApiMigration.Result result =
        migrate(HOST + mapping("billing", "prefix: /pay/\nservice: https://billing.payments:8443"));

    assertThat(((Map<?, ?>) route(result, "billing").get("metadata")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/backend-tls", "payments/billing:8443",
                "attache.io/path-prefix", "string"));
  }

  /**
   * topics/using/method (method_regex) and topics/using/headers/host (host_regex): v3route.py
   * matches them on :method and :authority by regular expression; a host_regex Mapping belongs to
   * every Host (irhost.py matches_httpgroup).
   */
  @Test
  void methodAndHostRegexesBecomeAnnotations() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("read", "prefix: /r/\nservice: r\nmethod: GET|HEAD\nmethod_regex: true")
                + mapping(
                        "any",
                        "prefix: /a/\nservice: a\nhost: \"^[a-z]+\\\\.example\\\\.com$\"\nhost_regex: true")
                    .replace("  hostname: example.com\n", ""));

    assertThat(result.report()).noneMatch(line -> line.contains("not carried over"));
    assertThat(metadata(route(result, "read")).get("annotations"))
        .isEqualTo(
            Map.of("attache.io/method-regex", "GET|HEAD", "attache.io/path-prefix", "string"));
    assertThat(yaml(rule(result, "read"))).doesNotContain("method:");
    assertThat(metadata(route(result, "any")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/authority-regex",
                "^[a-z]+\\.example\\.com$",
                "attache.io/path-prefix",
                "string"));
    assertThat(yaml(route(result, "any").get("spec"))).contains("hostnames: \"example.com\"");
  }

  /**
   * topics/using/rewrites (regex_rewrite), topics/using/timeouts (idle_timeout_ms) and
   * topics/using/headers... case_sensitive: carried as annotations, served as v3route.py writes
   * them (regex_rewrite in place of the prefix rewrite).
   */
  @Test
  void regexRewriteIdleTimeoutAndCaseInsensitivityBecomeAnnotations() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping(
                    "legacy",
                    "prefix: /Legacy/\nservice: legacy\ncase_sensitive: false\n"
                        + "idle_timeout_ms: 300000\n"
                        + "regex_rewrite: {pattern: '/Legacy/(.*)', substitution: '/v1/\\1'}"));

    assertThat(result.report()).noneMatch(line -> line.contains("not carried over"));
    assertThat(metadata(route(result, "legacy")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/path-prefix",
                "string",
                "attache.io/regex-rewrite",
                "{\"pattern\":\"/Legacy/(.*)\",\"substitution\":\"/v1/\\\\1\"}",
                "attache.io/idle-timeout",
                "300s",
                "attache.io/case-sensitive",
                "false"));
    assertThat(yaml(rule(result, "legacy"))).doesNotContain("URLRewrite");
  }

  /**
   * topics/running/services/auth-service (bypass_auth, auth_context_extensions),
   * topics/using/rate-limits (labels, Emissary's format) and topics/using/cors (cors, v2's
   * comma-separated origins too): Gateway API has no field for them, so they become the route's
   * attache.io/ annotations, which the control plane serves (RouteExtensions).
   */
  @Test
  void authBypassContextExtensionsAndLabelsBecomeAnnotations() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("health", "prefix: /health/\nservice: shop\nbypass_auth: true")
                + mapping(
                    "api",
                    "prefix: /api/\nservice: api\ncors: {origins: 'https://a.example, https://b.example',"
                        + " credentials: true}")
                + mapping(
                    "cart",
                    "prefix: /cart/\nservice: cart\nauth_context_extensions: {tier: gold}\n"
                        + "labels:\n  ambassador:\n    - per_user:\n"
                        + "      - remote_address: {key: remote_address}\n"
                        + "      - request_headers: {key: user, header_name: x-user,"
                        + " omit_if_not_present: true}"));

    assertThat(result.report()).noneMatch(line -> line.contains("not carried over"));
    assertThat(metadata(route(result, "health")).get("annotations"))
        .isEqualTo(Map.of("attache.io/ext-authz", "disabled", "attache.io/path-prefix", "string"));
    assertThat(metadata(route(result, "api")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/path-prefix",
                "string",
                "attache.io/cors",
                "{\"origins\":\"https://a.example, https://b.example\",\"credentials\":true}"));
    assertThat(metadata(route(result, "cart")).get("annotations"))
        .isEqualTo(
            Map.of(
                "attache.io/path-prefix",
                "string",
                "attache.io/ext-authz-context-extensions",
                "{\"tier\":\"gold\"}",
                "attache.io/rate-limit-labels",
                "{\"ambassador\":[{\"per_user\":[{\"remote_address\":{\"key\":\"remote_address\"}},"
                    + "{\"request_headers\":{\"key\":\"user\",\"header_name\":\"x-user\","
                    + "\"omit_if_not_present\":true}}]}]}"));
  }

  @Test
  void labelsAndAuthFieldsEmissaryWouldNotUseAreErrorsNamingThem() {
    EmissaryObjects objects =
        read(
            mapping(
                    "bad",
                    "prefix: /x/\nservice: x\nbypass_auth: true\nauth_context_extensions: {a: b}\n"
                        + "labels:\n  one: [{g: [{remote_address: {}}]}]\n"
                        + "  two: [{g: [{generic_key: {value: v}}]}]")
                + mapping(
                    "worse",
                    "prefix: /y/\nservice: y\n"
                        + "labels: {ambassador: [{g: [{header_value_match: {}},"
                        + " {request_headers: {key: k, header_name: h, default: d}},"
                        + " {generic_key: {key: k}}]}]}"));

    assertThat(objects.mappings()).isEmpty();
    assertThat(objects.errors())
        .containsExactlyInAnyOrder(
            "test.yaml#1: Mapping shop/bad: spec.auth_context_extensions: cannot be set with"
                + " bypass_auth: true",
            "test.yaml#1: Mapping shop/bad: spec.labels: must map exactly one rate-limit domain to"
                + " its label groups (Envoy's filter sends one domain per route)",
            "test.yaml#2: Mapping shop/worse: spec.labels.ambassador[0].g[0]: header_value_match is"
                + " not a label Emissary knows",
            "test.yaml#2: Mapping shop/worse: spec.labels.ambassador[0].g[1].request_headers.default:"
                + " has no effect (Emissary drops it, and Envoy sends no descriptor without the"
                + " header); remove it",
            "test.yaml#2: Mapping shop/worse: spec.labels.ambassador[0].g[2].generic_key.value:"
                + " required, a string");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  @Test
  void aBackendInAnotherNamespaceGetsAReferenceGrant() {
    GatewayApiMigration.Result result =
        migrate(HOST + mapping("pay", "prefix: /pay/\nservice: checkout.payments:9000"));

    assertThat(yaml(rule(result, "pay")))
        .contains("name: \"checkout\" namespace: \"payments\" port: 9000");
    assertThat(yaml(result.objects()))
        .contains("name: \"emissary-from-shop\" namespace: \"payments\"");
  }

  @Test
  void everyBadFieldIsNamedAndNoneIsIgnored() {
    EmissaryObjects objects =
        read(
            mapping(
                "bad",
                "service: 12\nweight: 101\nenvoy_override: {}\nmisspelt: 1\n"
                    + "path_redirect: /x\nadd_request_headers: {x: [1]}"));

    assertThat(objects.mappings()).isEmpty();
    assertThat(objects.errors())
        .contains(
            "test.yaml#1: Mapping shop/bad: spec.envoy_override: not supported by Attaché (an"
                + " Emissary Mapping field it does not serve)",
            "test.yaml#1: Mapping shop/bad: spec.misspelt: unknown field of an Emissary Mapping",
            "test.yaml#1: Mapping shop/bad: spec.prefix: required",
            "test.yaml#1: Mapping shop/bad: spec.service: must be a string",
            "test.yaml#1: Mapping shop/bad: spec.weight: must be a whole number from 0 to 100",
            "test.yaml#1: Mapping shop/bad: spec.path_redirect: needs host_redirect: true",
            "test.yaml#1: Mapping shop/bad: spec.add_request_headers.x: must be a string or"
                + " {value: string, append: true|false}");
  }

  @Test
  void groupWeightsOverAHundredLeaveTheGroupOut() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping("one", "prefix: /w/\nservice: one\nweight: 60")
                + mapping("two", "prefix: /w/\nservice: two\nweight: 60"));

    assertThat(result.report())
        .contains("Mapping shop/one: left out: the weights of its group add up to more than 100");
    assertThat(result.objects())
        .noneMatch(o -> o.get("kind").equals("HTTPRoute") && yaml(o).contains("\"one\""));
  }

  /**
   * topics/using/retries, load-balancer and circuit-breakers: a TrafficPolicy on the route for the
   * retry (per_try_timeout as Envoy reads it, 2.5s), one on the Service for balancing and breaking.
   */
  @Test
  void retriesBalancingAndBreakersBecomeTrafficPolicies() {
    GatewayApiMigration.Result result =
        migrate(
            HOST
                + mapping(
                    "api",
                    """
                    prefix: /api/
                    service: api:8080
                    retry_policy: {retry_on: 5xx, num_retries: 3, per_try_timeout: 2.5s}
                    load_balancer: {policy: ring_hash, cookie: {name: session, ttl: 60s}}
                    circuit_breakers: [{max_connections: 100, max_retries: 0}]
                    """)
                + mapping(
                    "api-v2",
                    "prefix: /v2/\nservice: api:8080\nload_balancer: {policy: round_robin}"));

    String all = yaml(result.objects());
    assertThat(all)
        .contains(
            "kind: \"TrafficPolicy\" metadata: name: \"api-retry\" namespace: \"shop\" spec:"
                + " targetRefs: group: \"gateway.networking.k8s.io\" kind: \"HTTPRoute\" name:"
                + " \"api\" retry: retryOn: \"5xx\" numRetries: 3 perTryTimeout: \"2500ms\"")
        .contains(
            "name: \"emissary-api\" namespace: \"shop\" spec: targetRefs: group: \"\" kind:"
                + " \"Service\" name: \"api\" loadBalancer: type: \"RingHash\" hashOn: cookie:"
                + " name: \"session\" ttl: \"60s\" circuitBreaker: maxConnections: 100 maxRetries: 0");
    assertThat(result.report())
        .contains(
            "Mapping shop/api-v2: spec.load_balancer and spec.circuit_breakers differ from shop/api's"
                + " for the same Service shop/api; the Service keeps shop/api's");
  }

  @Test
  void aBalancerOrBreakerEmissaryWouldRefuseIsAnErrorNamingIt() {
    EmissaryObjects objects =
        read(
            mapping(
                "bad",
                "prefix: /b/\nservice: b\nload_balancer: {policy: ring_hash}\n"
                    + "circuit_breakers: [{priority: high, max_connections: 1}]\n"
                    + "retry_policy: {retry_on: sometimes}"));

    assertThat(objects.errors())
        .contains(
            "test.yaml#1: Mapping shop/bad: spec.load_balancer: ring_hash and maglev take exactly"
                + " one of cookie (with a name), header or source_ip",
            "test.yaml#1: Mapping shop/bad: spec.circuit_breakers[0].priority: only default is"
                + " served",
            "test.yaml#1: Mapping shop/bad: spec.retry_policy.retry_on: must be one of"
                + " [5xx, connect-failure, gateway-error, refused-stream, retriable-4xx,"
                + " retriable-status-codes]");
  }
}
