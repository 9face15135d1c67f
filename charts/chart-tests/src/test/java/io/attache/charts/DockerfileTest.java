package io.attache.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service images' Dockerfiles keep their promises (no Docker engine runs here to build them):
 * multi-stage, non-root with the UID the chart runs as, the documented ports, the module's jar.
 */
class DockerfileTest {
  private record Image(String module, List<String> ports) {}

  private static final List<Image> IMAGES =
      List.of(
          new Image("ratelimit-service", List.of("8081", "8080", "6070")),
          new Image("ext-authz", List.of("9001", "9002", "9003")),
          new Image("control-plane", List.of("18000", "18001")));

  @Test
  void everyServiceImageIsMultiStageNonRootAndExposesItsPorts() throws Exception {
    for (Image image : IMAGES) {
      List<String> lines = Files.readAllLines(Path.of("..", "..", image.module(), "Dockerfile"));

      assertThat(lines.stream().filter(l -> l.startsWith("FROM "))).as(image.module()).hasSize(2);
      assertThat(lines).as(image.module()).contains("USER 65532:65532");
      assertThat(lines).as(image.module()).contains("EXPOSE " + String.join(" ", image.ports()));
      assertThat(lines)
          .as(image.module())
          .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/attache/" + image.module() + ".jar\"]");
    }
  }

  @Test
  void theChartRunsContainersAsTheImagesUserWithItsSpool() {
    RenderedChart chart = RenderedChart.render();
    for (Image image : IMAGES) {
      var pod = chart.deployment(image.module()).getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsUser()).as(image.module()).isEqualTo(65532L);
      assertThat(pod.getContainers().get(0).getVolumeMounts())
          .as(image.module())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/attache/spool"));
    }
  }
}
