package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.RouteStatus;
import io.attache.controlplane.source.ParseResult;
import io.attache.controlplane.source.ResourceParser;
import io.attache.runtime.WatchedDirectory;
import java.util.List;

/** Manifests of the Gateway API conformance suite, read as a directory of them would be. */
final class ConformanceManifests {
  private ConformanceManifests() {}

  /** The documents as one file; they must all be valid. */
  static ClusterState parse(String... documents) {
    ParseResult result =
        new ResourceParser()
            .parse(
                List.of(
                    new WatchedDirectory.File(
                        "conformance.yaml", String.join("---\n", documents))));
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state();
  }

  /** The status of the state's first route for its first parent. */
  static RouteStatus firstStatus(ClusterState state) {
    return new RouteResolver().resolve(state).statuses().get(0);
  }
}
