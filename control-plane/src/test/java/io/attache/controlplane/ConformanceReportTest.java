package io.attache.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The conformance report (conformance/report.yaml, in the Gateway API's ConformanceReport format,
 * gateway-api conformance/apis/v1) is built from two tables and pinned here, so it cannot claim a
 * test that does not exist: conformance/upstream-tests.tsv lists the upstream suite's tests with
 * their features, conformance/derived.tsv the tests of ours derived from each one's manifests and
 * expectations. A profile's core tests are the upstream tests, not provisional, whose features are
 * all among the profile's core features (conformance/utils/suite/profiles.go); one is passed when
 * tests of ours derive from it, skipped otherwise. No extended feature is claimed.
 *
 * <p>The upstream suite itself drives a running data plane in a cluster, which this machine cannot
 * host; "passed" here means our derived tests pass, which is what the report states.
 */
class ConformanceReportTest {
  private static final Path DIR = Path.of("conformance");
  private static final Map<String, Set<String>> CORE_FEATURES = new LinkedHashMap<>();

  static {
    CORE_FEATURES.put("GATEWAY-GRPC", Set.of("Gateway", "ReferenceGrant", "GRPCRoute"));
    CORE_FEATURES.put("GATEWAY-HTTP", Set.of("Gateway", "ReferenceGrant", "HTTPRoute"));
    CORE_FEATURES.put("GATEWAY-TCP", Set.of("Gateway", "ReferenceGrant", "TCPRoute"));
    CORE_FEATURES.put("GATEWAY-TLS", Set.of("Gateway", "ReferenceGrant", "TLSRoute"));
  }

  private record Upstream(String shortName, Set<String> features, boolean provisional) {}

  private static List<String[]> rows(String file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve(file))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        rows.add(line.split("\t", -1));
      }
    }
    return rows;
  }

  private static Map<String, Upstream> upstream() throws IOException {
    Map<String, Upstream> tests = new TreeMap<>();
    for (String[] row : rows("upstream-tests.tsv")) {
      tests.put(
          row[0],
          new Upstream(
              row[0], Set.of(row[1].split(",")), row.length > 3 && row[3].equals("provisional")));
    }
    return tests;
  }

  private static Map<String, List<String>> derived() throws IOException {
    Map<String, List<String>> derived = new TreeMap<>();
    for (String[] row : rows("derived.tsv")) {
      derived.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
    }
    return derived;
  }

  @Test
  void everyDerivedTestExistsAndNamesAnUpstreamTest() throws Exception {
    Map<String, Upstream> upstream = upstream();
    for (Map.Entry<String, List<String>> entry : derived().entrySet()) {
      assertThat(upstream).as("upstream test %s", entry.getKey()).containsKey(entry.getKey());
      for (String test : entry.getValue()) {
        String[] parts = test.split("#");
        Method method = Class.forName(parts[0]).getDeclaredMethod(parts[1]);
        assertThat(method.isAnnotationPresent(Test.class)).as("%s is a test", test).isTrue();
      }
    }
  }

  @Test
  void theReportIsWhatTheTablesSay() throws Exception {
    String expected = report(upstream(), derived().keySet());
    if (Boolean.getBoolean("attache.conformance.write")) {
      // mvn test -pl control-plane -Dtest=ConformanceReportTest -Dattache.conformance.write=true
      Files.writeString(DIR.resolve("report.yaml"), expected);
    }

    assertThat(Files.readString(DIR.resolve("report.yaml")))
        .as("conformance/report.yaml; write it again with -Dattache.conformance.write=true")
        .isEqualTo(expected);
  }

  private static String report(Map<String, Upstream> upstream, Set<String> derived) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: ConformanceReport
            date: "2026-12-07T00:00:00Z"
            gatewayAPIChannel: standard
            gatewayAPIVersion: main-4564255ac2c3
            implementation:
              contact:
              - Attaché maintainers (charts/attache/Chart.yaml)
              organization: attache
              project: attache
              url: https://attache.io
              version: 0.1.0-SNAPSHOT
            mode: derived-translation-tests
            profiles:
            """);
    CORE_FEATURES.forEach(
        (profile, features) -> {
          Set<String> passed = new TreeSet<>();
          Set<String> skipped = new TreeSet<>();
          for (Upstream test : upstream.values()) {
            if (!test.provisional() && features.containsAll(test.features())) {
              (derived.contains(test.shortName()) ? passed : skipped).add(test.shortName());
            }
          }
          String result = skipped.isEmpty() ? "success" : "partial";
          yaml.append("- core:\n").append("    result: ").append(result).append('\n');
          if (!skipped.isEmpty()) {
            yaml.append("    skippedTests:\n");
            skipped.forEach(s -> yaml.append("    - ").append(s).append('\n'));
          }
          yaml.append("    statistics:\n")
              .append("      Failed: 0\n")
              .append("      Passed: ")
              .append(passed.size())
              .append('\n')
              .append("      Skipped: ")
              .append(skipped.size())
              .append('\n')
              .append("  name: ")
              .append(profile)
              .append('\n')
              .append("  summary: Core tests ")
              .append(
                  skipped.isEmpty()
                      ? "succeeded"
                      : "partially succeeded with " + skipped.size() + " test skips")
              .append(".\n");
        });
    return yaml.toString();
  }
}
