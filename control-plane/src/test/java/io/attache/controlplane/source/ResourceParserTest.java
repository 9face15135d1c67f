package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.Endpoint;
import io.attache.controlplane.model.ServiceKey;
import io.attache.controlplane.model.ServicePort;
import io.attache.controlplane.model.ServicePort.Protocol;
import io.attache.runtime.WatchedDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourceParserTest {
  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: echo
        namespace: default
      spec:
        ports:
          - name: grpc
            port: 8080
            targetPort: 9000
      """;

  private static String slice(String name, String address, boolean ready, String zone) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: default
          labels:
            kubernetes.io/service-name: echo
        addressType: IPv4
        ports:
          - name: grpc
            port: 9000
        endpoints:
          - addresses: ["%s"]
            conditions:
              ready: %s
            zone: %s
        """
        .formatted(name, address, ready, zone);
  }

  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String... contents) {
    List<WatchedDirectory.File> files =
        java.util.stream.IntStream.range(0, contents.length)
            .mapToObj(i -> new WatchedDirectory.File("f" + i + ".yaml", contents[i]))
            .toList();
    return parser.parse(files);
  }

  private ClusterState state(String... contents) {
    ParseResult result = parse(contents);
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  private List<String> errors(String... contents) {
    ParseResult result = parse(contents);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void servicesAndSlicesInOneMultiDocumentFileBecomeTheModel() {
    ClusterState state = state(SERVICE + "---\n" + slice("echo-a", "10.0.0.1", true, "z1"));

    assertThat(state.services().get(0).ports())
        .containsExactly(new ServicePort("grpc", 8080, Protocol.TCP));
    assertThat(state.endpointsOf(new ServiceKey("default", "echo")))
        .containsExactly(new Endpoint("10.0.0.1", Map.of("grpc", 9000), true, Optional.of("z1")));
  }

  @Test
  void slicesFromSeveralFilesAreAllKept() {
    ClusterState state =
        state(
            SERVICE,
            slice("echo-a", "10.0.0.1", true, "z1"),
            slice("echo-b", "10.0.0.2", false, "z2"));

    assertThat(state.endpointsOf(new ServiceKey("default", "echo")))
        .extracting(Endpoint::address)
        .containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void aMissingReadyConditionMeansReady() {
    String slice =
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-a
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{port: 9000}]
        endpoints: [{addresses: ["10.0.0.1"]}]
        """;

    assertThat(state(slice).endpoints().get(0).endpoints().get(0).ready()).isTrue();
  }

  @Test
  void otherKindsAreIgnored() {
    String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n";

    assertThat(state(configMap, SERVICE).services()).hasSize(1);
  }

  @Test
  void aFieldOfTheWrongTypeIsReportedByFileDocumentAndPath() {
    String bad = SERVICE.replace("port: 8080", "port: eighty");

    assertThat(errors(SERVICE.replace("name: echo", "name: other"), "---\n" + bad))
        .singleElement()
        .asString()
        .startsWith("f1.yaml (document 2) spec.ports[0].port: ");
  }

  @Test
  void everyBadFieldOfEveryFileIsReported() {
    String badService =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: echo}
        spec:
          ports: [{name: grpc, port: 0, protocol: HTTP}]
        """;
    String badSlice =
        slice("echo-a", "10.0.0.1", true, "z1")
            .replace("kubernetes.io/service-name: echo", "app: echo");

    assertThat(errors(badService, badSlice))
        .containsExactly(
            "f0.yaml (document 1) spec.ports[0].port: must be between 1 and 65535, was 0",
            "f0.yaml (document 1) spec.ports[0].protocol: must be TCP, UDP or SCTP, was 'HTTP'",
            "f1.yaml (document 1) metadata.labels[kubernetes.io/service-name]: required");
  }

  @Test
  void aServiceDefinedTwiceIsAnError() {
    assertThat(errors(SERVICE, SERVICE))
        .containsExactly(
            "f1.yaml (document 1) metadata.name: Service default/echo is defined twice");
  }

  @Test
  void severalUnnamedPortsAreAnError() {
    String twoPorts =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: echo}
        spec:
          ports: [{port: 80}, {port: 81}]
        """;

    assertThat(errors(twoPorts))
        .contains(
            "f0.yaml (document 1) spec.ports[0].name: required when a Service has more than one port");
  }

  @Test
  void aParsersMessageWithoutTextStillGivesAReason() {
    // Found by fuzzing: an error whose reason was empty (docs/fuzzing.md).
    assertThat(ResourceParser.firstLine("")).isEqualTo("unreadable");
    assertThat(ResourceParser.firstLine("\n  \nexpected a mapping\n at line 2"))
        .isEqualTo("expected a mapping");
    assertThat(ResourceParser.firstLine(null)).isEqualTo("unreadable");
  }
}
