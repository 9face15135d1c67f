package io.attache.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.authz.app.ExtAuthzApp;
import io.attache.controlplane.app.ControlPlaneApp;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each service, configured with the environment the chart gives it, against fabric8's mock API
 * server (CRUD mode: no kube-apiserver runs here, so RBAC is not enforced by the server), records
 * every request it makes, and checks that the RBAC the chart binds to its ServiceAccount allows
 * each one. Together with {@link ChartRbacTest} (the exact rules), this shows the rules are both
 * sufficient and no wider than the code needs.
 */
@EnableKubernetesMockClient(crud = true)
class ChartRbacAllowsWhatTheServicesDoTest {
  private static final String TEST_AGENT = "chart-test";

  /**
   * Emissary's CRDs, as far as the API server needs them here (its own are long; their schemas do
   * not matter to a watch), and a Host and Mapping the control plane serves and writes status for.
   */
  private static final String EMISSARY =
      emissaryCrd("Mapping", "mappings", true)
          + emissaryCrd("Host", "hosts", true)
          + emissaryCrd("Listener", "listeners", false)
          + emissaryCrd("TLSContext", "tlscontexts", false)
          + """
          apiVersion: getambassador.io/v3alpha1
          kind: Listener
          metadata: {name: http, namespace: shop}
          spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: ALL}}}
          ---
          apiVersion: getambassador.io/v3alpha1
          kind: Host
          metadata: {name: shop, namespace: shop}
          spec: {hostname: emissary.shop.example.com, requestPolicy: {insecure: {action: Route}}}
          ---
          apiVersion: getambassador.io/v3alpha1
          kind: Mapping
          metadata: {name: store, namespace: shop}
          spec: {hostname: emissary.shop.example.com, prefix: /store/, service: store:8080}
          """;

  /**
   * One of Emissary's CRDs (getambassador.io/v3alpha1), with a status subresource if it has one.
   */
  private static String emissaryCrd(String kind, String plural, boolean status) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %2$s.getambassador.io}
        spec:
          group: getambassador.io
          names: {kind: %1$s, plural: %2$s, singular: %3$s, listKind: %1$sList}
          scope: Namespaced
          versions:
            - name: v3alpha1
              served: true
              storage: true
        %4$s      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        ---
        """
        .formatted(
            kind,
            plural,
            kind.toLowerCase(java.util.Locale.ROOT),
            status ? "      subresources: {status: {}}\n" : "");
  }

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path dir;
  private KubernetesClient testClient;
  private ServiceHost host;

  /** One request in RBAC terms. */
  record Access(String verb, String group, String resource, String namespace, String name) {
    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (namespace == null ? "" : " in " + namespace)
          + (name == null ? "" : " " + name);
    }
  }

  /** Rules and the namespace they hold in (empty: every namespace, from a ClusterRoleBinding). */
  record Grant(PolicyRule rule, Optional<String> namespace) {}

  @BeforeEach
  void identifyTheTestsOwnRequests() throws IOException {
    testClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration()).withUserAgent(TEST_AGENT).build())
            .build();
    try (Stream<Path> crds = Files.list(RenderedChart.CHART.resolve("crds"))) {
      for (Path crd : crds.toList()) {
        create(Files.readString(crd));
      }
    }
  }

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
    testClient.close();
    client.close(); // before the mock server's shutdown, which waits for open connections
  }

  private void create(String yaml) {
    for (HasMetadata object :
        testClient.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      testClient.resource(object).create();
    }
  }

  private Path file(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  /** The chart's plain env values for a component, then local ports and directories. */
  private Settings settings(RenderedChart chart, String component, Map<String, String> local) {
    Map<String, String> env = new HashMap<>();
    chart.env(component).values().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    if (chart.env(component).containsKey("POD_NAMESPACE")) {
      env.put("POD_NAMESPACE", RenderedChart.NAMESPACE); // the downward API's answer
    }
    env.putAll(
        Map.of(
            "HOST", "127.0.0.1",
            "GRPC_PORT", "0",
            "ATTACHE_SPOOL_DIR", dir.resolve("spool").toString()));
    env.putAll(local);
    return new Settings(env);
  }

  /** Every rule bound to the component's ServiceAccount, with where it holds. */
  private static List<Grant> grants(RenderedChart chart, String component) {
    String account = RenderedChart.RELEASE + "-" + component;
    Map<String, ClusterRole> clusterRoles = byName(chart.all(ClusterRole.class));
    Map<String, Role> roles = byName(chart.all(Role.class));
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
      if (binding.getSubjects().stream().anyMatch(s -> s.getName().equals(account))) {
        clusterRoles
            .get(binding.getRoleRef().getName())
            .getRules()
            .forEach(r -> grants.add(new Grant(r, Optional.empty())));
      }
    }
    for (RoleBinding binding : chart.all(RoleBinding.class)) {
      if (binding.getSubjects().stream().anyMatch(s -> s.getName().equals(account))) {
        roles
            .get(binding.getRoleRef().getName())
            .getRules()
            .forEach(
                r -> grants.add(new Grant(r, Optional.of(binding.getMetadata().getNamespace()))));
      }
    }
    return grants;
  }

  private static <T extends HasMetadata> Map<String, T> byName(List<T> objects) {
    Map<String, T> named = new HashMap<>();
    objects.forEach(o -> named.put(o.getMetadata().getName(), o));
    return named;
  }

  static boolean allows(Grant grant, Access access) {
    PolicyRule rule = grant.rule();
    List<String> names = rule.getResourceNames() == null ? List.of() : rule.getResourceNames();
    return grant.namespace().map(ns -> ns.equals(access.namespace())).orElse(true)
        && rule.getApiGroups().contains(access.group())
        && rule.getResources().contains(access.resource())
        && rule.getVerbs().contains(access.verb())
        && (names.isEmpty() || names.contains(access.name()));
  }

  /**
   * A request as RBAC sees it; empty for discovery ({@code /api}, {@code /apis/<group>/<version>},
   * {@code /version}), which every authenticated account may read.
   */
  static Optional<Access> access(String method, String pathAndQuery) {
    String path = pathAndQuery.split("\\?", 2)[0];
    String query = pathAndQuery.contains("?") ? pathAndQuery.split("\\?", 2)[1] : "";
    List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/")));
    String group;
    if (segments.get(0).equals("api") && segments.size() > 2) {
      group = "";
      segments = segments.subList(2, segments.size());
    } else if (segments.get(0).equals("apis") && segments.size() > 3) {
      group = segments.get(1);
      segments = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (segments.get(0).equals("namespaces") && segments.size() > 2) {
      namespace = segments.get(1);
      segments = segments.subList(2, segments.size());
    }
    String resource = segments.get(0) + (segments.size() > 2 ? "/" + segments.get(2) : "");
    String name = segments.size() > 1 ? segments.get(1) : null;
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method;
        };
    return Optional.of(new Access(verb, group, resource, namespace, name));
  }

  /** What the service asked of the API server, leaving out the test's own requests. */
  private List<Access> serviceRequests() throws InterruptedException {
    List<Access> accesses = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      if (!TEST_AGENT.equals(request.getHeader("User-Agent"))) {
        access(request.getMethod(), request.getPath()).ifPresent(accesses::add);
      }
    }
    return accesses;
  }

  private void assertAllowed(RenderedChart chart, String component, BooleanSupplier done)
      throws InterruptedException {
    await().atMost(Duration.ofSeconds(20)).until(done::getAsBoolean);
    host.close();
    host = null;
    List<Access> accesses = serviceRequests();
    List<Grant> grants = grants(chart, component);

    assertThat(accesses)
        .allSatisfy(
            access ->
                assertThat(grants)
                    .as("%s may %s", component, access)
                    .anyMatch(grant -> allows(grant, access)));
    Set<String> used =
        accesses.stream()
            .map(a -> a.verb() + " " + a.group() + "/" + a.resource())
            .collect(Collectors.toSet());
    assertThat(used)
        .as("every verb the chart grants %s is used", component)
        .containsAll(
            grants.stream()
                .flatMap(
                    g ->
                        g.rule().getResources().stream()
                            .flatMap(
                                resource ->
                                    g.rule().getVerbs().stream()
                                        .map(
                                            verb ->
                                                verb
                                                    + " "
                                                    + g.rule().getApiGroups().get(0)
                                                    + "/"
                                                    + resource)))
                .toList());
  }

  private boolean hasStatus(String apiVersion, String kind, String name) {
    GenericKubernetesResource resource =
        testClient
            .genericKubernetesResources(apiVersion, kind)
            .inNamespace(RenderedChart.NAMESPACE)
            .withName(name)
            .get();
    return resource != null && resource.getAdditionalProperties().get("status") != null;
  }

  private boolean classAccepted() {
    GenericKubernetesResource gatewayClass =
        testClient
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
            .withName("attache")
            .get();
    return gatewayClass != null && gatewayClass.getAdditionalProperties().get("status") != null;
  }

  private static RenderedChart chart(String scope) {
    return RenderedChart.render("rbac.scope", scope);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cluster", "namespace"})
  void theControlPlaneUsesExactlyItsRoles(String scope) throws Exception {
    create(Files.readString(Path.of("..", "..", "examples", "kubernetes", "shop.yaml")));
    create(Files.readString(Path.of("..", "..", "examples", "kubernetes", "policies.yaml")));
    create(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: store-grpc, namespace: shop}
        spec:
          parentRefs: [{name: edge, sectionName: web}]
          hostnames: [grpc.shop.example.com]
          rules: [{backendRefs: [{name: store, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TLSRoute
        metadata: {name: store-tls, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          hostnames: [tls.shop.example.com]
          rules: [{backendRefs: [{name: store, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TCPRoute
        metadata: {name: store-tcp, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: store, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: store-origination, namespace: shop}
        spec:
          targetRefs: [{group: "", kind: Service, name: store}]
          validation: {hostname: store.shop.example.com, wellKnownCACertificates: System}
        """);
    create(EMISSARY);
    RenderedChart chart = chart(scope);
    // The GatewayClass the chart installs (with the Gateway API present): accepted by a control
    // plane that watches every namespace.
    create(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: attache}
        spec: {controllerName: attache.io/gateway-controller}
        """);
    host =
        ControlPlaneApp.start(
            settings(
                chart, "control-plane", Map.of("ADMIN_PORT", "0", "ATTACHE_GATEWAY_API", "true")),
            Optional.of(client));

    assertAllowed(
        chart,
        "control-plane",
        () ->
            hasStatus("gateway.networking.k8s.io/v1", "Gateway", "edge")
                && (scope.equals("namespace") || classAccepted())
                && hasStatus("gateway.networking.k8s.io/v1", "HTTPRoute", "store")
                && hasStatus("gateway.networking.k8s.io/v1", "GRPCRoute", "store-grpc")
                && hasStatus("gateway.networking.k8s.io/v1", "TLSRoute", "store-tls")
                && hasStatus("gateway.networking.k8s.io/v1", "TCPRoute", "store-tcp")
                && hasStatus(
                    "gateway.networking.k8s.io/v1", "BackendTLSPolicy", "store-origination")
                && hasStatus("attache.io/v1alpha1", "TrafficPolicy", "store")
                && hasStatus("attache.io/v1alpha1", "RateLimitPolicy", "store-per-user"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cluster", "namespace"})
  void extAuthzUsesExactlyItsRole(String scope) throws Exception {
    create(
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: billing-key
          namespace: shop
          labels: {attache.io/api-key: orders}
          annotations: {attache.io/principal: billing}
        stringData: {api_key: first-key}
        ---
        apiVersion: attache.io/v1alpha1
        kind: AuthPolicy
        metadata: {name: orders, namespace: shop}
        spec:
          match: {hosts: [shop.example.com]}
          identity:
            - apiKey:
                from: {header: x-api-key}
                secretSelector: {matchLabels: {attache.io/api-key: orders}}
        ---
        apiVersion: attache.io/v1alpha1
        kind: AuthPolicy
        metadata: {name: mesh, namespace: shop}
        spec:
          match: {hosts: [mesh.example.com]}
          identity: [{serviceAccount: {audiences: [attache]}}]
        """);
    RenderedChart chart = chart(scope);
    host =
        ExtAuthzApp.start(
            settings(
                chart,
                "ext-authz",
                Map.of(
                    "ADMIN_PORT", "0",
                    "HTTP_PORT", "0",
                    "ATTACHE_POLICY_DIR", dir.resolve("policies").toString())),
            Optional.of(client));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> hasStatus("attache.io/v1alpha1", "AuthPolicy", "mesh"));
    if (scope.equals("cluster")) {
      // A service-account token is reviewed by the API server; only cluster scope may (the mock
      // server answers the review without a status: not authenticated, which is all RBAC needs).
      reviewAToken();
    }

    assertAllowed(
        chart, "ext-authz", () -> hasStatus("attache.io/v1alpha1", "AuthPolicy", "orders"));
  }

  private void reviewAToken() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      AuthorizationGrpc.newBlockingStub(channel)
          .check(
              CheckRequest.newBuilder()
                  .setAttributes(
                      AttributeContext.newBuilder()
                          .setRequest(
                              AttributeContext.Request.newBuilder()
                                  .setHttp(
                                      AttributeContext.HttpRequest.newBuilder()
                                          .setMethod("GET")
                                          .setHost("mesh.example.com")
                                          .setPath("/")
                                          .putHeaders("authorization", "Bearer sa-token"))))
                  .build());
    } finally {
      channel.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cluster", "namespace"})
  void theRateLimitServiceUsesExactlyItsRole(String scope) throws Exception {
    create(
        """
        apiVersion: attache.io/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: per-address, namespace: shop}
        spec:
          domain: shop
          descriptors:
            - key: remote_address
              rate_limit: {unit: second, requests_per_unit: 50}
        """);
    file("runtime/config/.keep", "");
    RenderedChart chart = chart(scope);
    host =
        RateLimitApp.start(
            settings(
                chart,
                "ratelimit-service",
                Map.of(
                    "PORT", "0",
                    "DEBUG_PORT", "0",
                    "RUNTIME_ROOT", dir.resolve("runtime").toString())),
            () -> System.currentTimeMillis() / 1000,
            Optional.of(client));

    assertAllowed(
        chart,
        "ratelimit-service",
        () -> hasStatus("attache.io/v1alpha1", "RateLimitPolicy", "per-address"));
  }
}
