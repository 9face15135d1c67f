package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.events.ConfigChange;
import io.attache.events.InMemoryEventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceDirectoryTest {
  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: echo}
      spec:
        ports: [{port: 8080}]
      """;

  @TempDir Path directory;

  @Test
  void anInvalidChangeIsReportedAndTheLastGoodStateStays() throws Exception {
    Files.writeString(directory.resolve("echo.yaml"), SERVICE);
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add)) {
      Files.writeString(directory.resolve("echo.yaml"), SERVICE.replace("8080", "-1"));
      resources.poll();

      assertThat(states).hasSize(1);
      assertThat(resources.lastErrors())
          .extracting(ResourceError::field)
          .containsExactly("spec.ports[0].port");
    }
  }

  @Test
  void fixingTheFileClearsTheErrorsAndPublishes() throws Exception {
    Files.writeString(directory.resolve("echo.yaml"), SERVICE.replace("8080", "-1"));
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add)) {
      Files.writeString(directory.resolve("echo.yaml"), SERVICE);
      resources.poll();

      assertThat(resources.lastErrors()).isEmpty();
      // At start the invalid Service, never good, was left out and the rest (nothing) served.
      assertThat(states).extracting(s -> s.services().size()).containsExactly(0, 1);
    }
  }

  /**
   * Issue #22: an invalid object keeps its own last good version, or is left out if it never had
   * one; the valid objects beside it, in its file or in others, are served from the start.
   */
  @Test
  void anInvalidDocumentNeverHidesTheValidOnesBesideIt() throws Exception {
    String other = SERVICE.replace("echo", "shop");
    Files.writeString(
        directory.resolve("services.yaml"), SERVICE + "---\n" + other.replace("8080", "-1"));
    Files.writeString(directory.resolve("more.yaml"), SERVICE.replace("echo", "cart"));
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add)) {
      assertThat(states)
          .singleElement()
          .extracting(s -> s.services().stream().map(v -> v.name()).sorted().toList())
          .isEqualTo(List.of("cart", "echo"));
      assertThat(resources.lastErrors())
          .extracting(e -> e.file() + " " + e.document() + " " + e.field())
          .containsExactly(directory.resolve("services.yaml") + " 2 spec.ports[0].port");

      // Fixed, then broken again: the broken version is refused and the fixed one stays served.
      Files.writeString(directory.resolve("services.yaml"), SERVICE + "---\n" + other);
      resources.poll();
      Files.writeString(
          directory.resolve("services.yaml"), SERVICE + "---\n" + other.replace("8080", "0"));
      resources.poll();

      assertThat(states).hasSize(2);
      assertThat(states.get(1).services()).hasSize(3);
      assertThat(resources.lastErrors()).hasSize(1);
    }
  }

  /**
   * A Mapping no Host serves is a problem of that Mapping alone: the Services and the Mappings
   * beside it are served from the start, as from the API.
   */
  @Test
  void aMappingNoHostServesNeverHidesTheRest() throws Exception {
    Files.writeString(directory.resolve("echo.yaml"), SERVICE);
    Files.writeString(
        directory.resolve("mappings.yaml"),
        """
        apiVersion: getambassador.io/v3alpha1
        kind: Host
        metadata: {name: shop, namespace: default}
        spec: {hostname: shop.example.com, requestPolicy: {insecure: {action: Route}}}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: served, namespace: default}
        spec: {hostname: shop.example.com, prefix: /a/, service: echo:8080}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: stray, namespace: default}
        spec: {hostname: nowhere.example.com, prefix: /b/, service: echo:8080}
        """);
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add)) {
      assertThat(states).singleElement();
      assertThat(states.get(0).services()).hasSize(1);
      assertThat(states.get(0).httpRoutes()).extracting(r -> r.name()).contains("mapping-served");
      assertThat(resources.lastErrors())
          .extracting(e -> e.file() + " " + e.reason())
          .anyMatch(e -> e.startsWith("Mapping default/stray") && e.contains("no Host serves"));
    }
  }

  @Test
  void appliedAndRejectedFilesAreAudited() throws Exception {
    Files.writeString(directory.resolve("echo.yaml"), SERVICE);
    InMemoryEventSink events = new InMemoryEventSink();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), state -> {}, events)) {
      Files.writeString(directory.resolve("echo.yaml"), SERVICE.replace("8080", "0"));
      resources.poll();

      assertThat(events.events())
          .map(ConfigChange.class::cast)
          .extracting(c -> c.kind() + " " + c.name() + " " + c.outcome() + " " + c.message())
          .containsExactly(
              "File "
                  + directory.resolve("echo.yaml")
                  + " APPLIED added: 1 services, 0 endpoint"
                  + " slices, 0 gateways, 0 HTTPRoutes, 0 TLS Secrets applied",
              "File "
                  + directory.resolve("echo.yaml")
                  + " REJECTED rejected, the last good state stays: document 1"
                  + " spec.ports[0].port: must be between 1 and 65535, was 0");
    }
  }

  @Test
  void aDocumentThatWasNeverValidIsAuditedAsLeftOut() throws Exception {
    Files.writeString(directory.resolve("echo.yaml"), SERVICE.replace("8080", "0"));
    InMemoryEventSink events = new InMemoryEventSink();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), state -> {}, events)) {
      assertThat(events.events())
          .map(ConfigChange.class::cast)
          .extracting(c -> c.outcome() + " " + c.message())
          .containsExactly(
              "REJECTED rejected and left out (no earlier valid version): document 1"
                  + " spec.ports[0].port: must be between 1 and 65535, was 0");
    }
  }

  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: default}
      spec:
        gatewayClassName: attache
        listeners:
          - {name: web, port: 8000, protocol: HTTP}
          - {name: passthrough, port: 8443, protocol: UDP}
      """;

  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: store, namespace: default}
      spec:
        parentRefs: [{name: edge, sectionName: web}]
        rules: [{backendRefs: [{name: echo, port: 8080}]}]
      """;

  /**
   * Issue #22's case, tried as a new user would: a Gateway with a listener we cannot serve (TLS
   * passthrough) among valid Services and routes. The Gateway's valid listener, the route and the
   * Service are served from the start, as from the Kubernetes API; only the TLS listener is left
   * out.
   */
  @Test
  void aGatewayWithOneUnsupportedListenerServesTheRest() throws Exception {
    Files.writeString(directory.resolve("all.yaml"), SERVICE + "---\n" + GATEWAY + "---\n" + ROUTE);
    InMemoryEventSink events = new InMemoryEventSink();
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add, events)) {
      ClusterState state = states.get(0);
      assertThat(state.services()).hasSize(1);
      assertThat(state.httpRoutes()).hasSize(1);
      assertThat(state.gateways())
          .singleElement()
          .satisfies(
              g -> assertThat(g.listeners()).extracting(l -> l.name()).containsExactly("web"));
      assertThat(resources.lastErrors())
          .extracting(e -> e.document() + " " + e.field())
          .containsExactly("2 spec.listeners[1].protocol");
      assertThat(events.events())
          .map(ConfigChange.class::cast)
          .extracting(c -> c.outcome() + " " + c.message())
          .singleElement()
          .asString()
          .startsWith("REJECTED applied in part, what is invalid left out: document 2");
    }
  }

  /**
   * A document that no longer reads as a Kubernetes object at all (broken YAML) keeps the last good
   * version of the object it held; the documents beside it change as written.
   */
  @Test
  void anUnreadableDocumentKeepsTheObjectItHeld() throws Exception {
    String other = SERVICE.replace("echo", "shop");
    Files.writeString(directory.resolve("services.yaml"), SERVICE + "---\n" + other);
    List<ClusterState> states = new CopyOnWriteArrayList<>();
    try (ResourceDirectory resources =
        new ResourceDirectory(directory, Duration.ofHours(1), states::add)) {
      Files.writeString(
          directory.resolve("services.yaml"),
          SERVICE.replace("8080", "9090") + "---\n" + "kind: Service\nmetadata: [unclosed\n");
      resources.poll();

      assertThat(states).hasSize(2);
      assertThat(states.get(1).services())
          .extracting(s -> s.name() + ":" + s.ports().get(0).port())
          .containsExactlyInAnyOrder("echo:9090", "shop:8080");
      assertThat(resources.lastErrors()).extracting(ResourceError::document).containsExactly(2);
    }
  }
}
