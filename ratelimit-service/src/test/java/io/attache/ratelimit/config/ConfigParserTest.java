package io.attache.ratelimit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Load errors: each rejects the whole configuration and names file, line and field. */
class ConfigParserTest {
  private static RateLimitConfig load(String... namesAndContents) throws ConfigException {
    return load(false, namesAndContents);
  }

  private static RateLimitConfig load(boolean merge, String... namesAndContents)
      throws ConfigException {
    List<ConfigParser.Source> sources = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      sources.add(new ConfigParser.Source(namesAndContents[i], namesAndContents[i + 1]));
    }
    return new ConfigParser(merge).load(sources);
  }

  private static List<String> errors(String content) {
    try {
      load("config/rl.yaml", content);
      throw new AssertionError("expected the configuration to be rejected");
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void aValidFileBuildsTheDescriptorTree() throws Exception {
    RateLimitConfig config =
        load(
            "config/rl.yaml",
            """
            domain: messaging
            descriptors:
              - key: message_type
                value: marketing
                descriptors:
                  - key: to_number
                    rate_limit:
                      unit: day
                      requests_per_unit: 5
              - key: to_number
                rate_limit:
                  name: per-number
                  unit: Day
                  requests_per_unit: 100
            """);

    DescriptorNode root = config.domain("messaging").orElseThrow();
    RateLimitRule perNumber = root.children().get("to_number").limit().orElseThrow();
    assertThat(perNumber.unit()).contains(Unit.DAY);
    assertThat(perNumber.requestsPerUnit()).isEqualTo(100);
    assertThat(perNumber.name()).contains("per-number");
    assertThat(perNumber.statsKey()).isEqualTo("messaging.to_number");
    assertThat(
            root.children()
                .get("message_type_marketing")
                .children()
                .get("to_number")
                .limit()
                .orElseThrow()
                .statsKey())
        .isEqualTo("messaging.message_type_marketing.to_number");
  }

  @Test
  void unitsAreCaseInsensitiveAndIncludeWeekMonthYear() throws Exception {
    RateLimitConfig config =
        load(
            "config/rl.yaml",
            """
            domain: d
            descriptors:
              - {key: a, rate_limit: {unit: WEEK, requests_per_unit: 1}}
              - {key: b, rate_limit: {unit: month, requests_per_unit: 1}}
              - {key: c, rate_limit: {unit: Year, requests_per_unit: 1}}
            """);

    DescriptorNode root = config.domain("d").orElseThrow();
    assertThat(root.children().get("a").limit().orElseThrow().unit()).contains(Unit.WEEK);
    assertThat(root.children().get("b").limit().orElseThrow().unit()).contains(Unit.MONTH);
    assertThat(root.children().get("c").limit().orElseThrow().unit()).contains(Unit.YEAR);
  }

  @Test
  void anUnknownKeyIsRejectedWithItsLineAndPath() {
    assertThat(
            errors(
                """
                domain: d
                descriptors:
                  - key: a
                    rate_limit:
                      unit: second
                      requests_per_units: 5
                """))
        .containsExactly(
            "config/rl.yaml:6: descriptors[0].rate_limit.requests_per_units: config error, unknown"
                + " key 'requests_per_units'");
  }

  @Test
  void anEmptyDomainIsRejected() {
    assertThat(errors("descriptors: []\n"))
        .singleElement()
        .asString()
        .contains("config file cannot have empty domain");
    assertThat(errors(""))
        .singleElement()
        .asString()
        .contains("config file cannot have empty domain");
  }

  @Test
  void aDuplicateDomainAcrossFilesIsRejectedUnlessMerging() throws Exception {
    String a =
        "domain: d\ndescriptors:\n  - {key: a, rate_limit: {unit: second, requests_per_unit: 1}}\n";
    String b =
        "domain: d\ndescriptors:\n  - {key: b, rate_limit: {unit: second, requests_per_unit: 1}}\n";

    assertThatThrownBy(() -> load("config/a.yaml", a, "config/b.yaml", b))
        .hasMessage("config/b.yaml:1: domain: duplicate domain 'd' in config file");
    assertThat(
            load(true, "config/a.yaml", a, "config/b.yaml", b).domain("d").orElseThrow().children())
        .containsKeys("a", "b");
  }

  @Test
  void anEmptyKeyIsRejected() {
    assertThat(errors("domain: d\ndescriptors:\n  - value: x\n"))
        .containsExactly("config/rl.yaml:3: descriptors[0].key: descriptor has empty key");
  }

  @Test
  void aDuplicateCompositeKeyIsRejected() {
    assertThat(
            errors(
                """
                domain: d
                descriptors:
                  - key: a
                    value: v
                  - key: a
                    value: v
                """))
        .containsExactly(
            "config/rl.yaml:5: descriptors[1]: duplicate descriptor composite key 'd.a_v'");
  }

  @Test
  void anInvalidUnitIsRejected() {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {unit: fortnight, requests_per_unit: 1}\n"))
        .containsExactly(
            "config/rl.yaml:4: descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'");
  }

  /** Our extension: {@code window} in place of {@code unit}, never with it. */
  @Test
  void aWindowOfAnyLengthIsReadAndItsMistakesAreNamed() throws Exception {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {window: 5s, unit: second, requests_per_unit: 1}\n"
                    + "  - key: b\n    rate_limit: {window: 1.5s, requests_per_unit: 1}\n"
                    + "  - key: c\n    rate_limit: {window: 0s, requests_per_unit: 1}\n"
                    + "  - key: e\n    rate_limit: {unlimited: true, window: 5s}\n"))
        .containsExactly(
            "config/rl.yaml:4: descriptors[0].rate_limit.window: give unit or window, not both",
            "config/rl.yaml:6: descriptors[1].rate_limit.window: invalid window '1.5s': a whole"
                + " number of s, m, h or d, e.g. 5s, at most a year (365d)",
            "config/rl.yaml:8: descriptors[2].rate_limit.window: invalid window '0s': a whole"
                + " number of s, m, h or d, e.g. 5s, at most a year (365d)",
            "config/rl.yaml:10: descriptors[3].rate_limit.window: should not specify a window when"
                + " unlimited");
  }

  /** A bucket whose capacity in micros Redis's Lua numbers cannot hold exactly is refused. */
  @Test
  void aTokenBucketTooLargeToCountExactlyIsRejected() {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {window: 365d, requests_per_unit: 1, algorithm: token_bucket, burst: 4000000000}\n"
                    + "  - key: b\n    rate_limit: {window: 366d, requests_per_unit: 1}\n"))
        .containsExactly(
            "config/rl.yaml:4: descriptors[0].rate_limit.burst: burst × window / requests_per_unit"
                + " is more than 2^53 µs",
            "config/rl.yaml:6: descriptors[1].rate_limit.window: invalid window '366d': a whole"
                + " number of s, m, h or d, e.g. 5s, at most a year (365d)");
  }

  /**
   * Our extension: algorithm fixed_window (default), sliding_window or token_bucket, burst for
   * buckets only.
   */
  @Test
  void anAlgorithmAndItsBurstAreReadAndTheirMistakesNamed() throws Exception {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {unit: second, requests_per_unit: 1, algorithm: leaky}\n"
                    + "  - key: b\n    rate_limit: {unit: second, requests_per_unit: 1, burst: 5}\n"
                    + "  - key: c\n    rate_limit: {unit: second, requests_per_unit: 1, algorithm: token_bucket, burst: 0}\n"
                    + "  - key: e\n    rate_limit: {unit: second, requests_per_unit: 1, algorithm: sliding_window, burst: 2}\n"
                    + "  - key: f\n    rate_limit: {window: 5s, requests_per_unit: 1, algorithm: Sliding_Window}\n"))
        .containsExactly(
            "config/rl.yaml:4: descriptors[0].rate_limit.algorithm: unknown algorithm 'leaky':"
                + " fixed_window, sliding_window or token_bucket",
            "config/rl.yaml:6: descriptors[1].rate_limit.burst: burst is for algorithm"
                + " token_bucket only",
            "config/rl.yaml:8: descriptors[2].rate_limit.burst: must be at least 1",
            "config/rl.yaml:10: descriptors[3].rate_limit.burst: burst is for algorithm"
                + " token_bucket only");
  }

  @Test
  void unlimitedWithAUnitIsRejected() {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {unlimited: true, unit: second}\n"))
        .singleElement()
        .asString()
        .endsWith(
            "descriptors[0].rate_limit.unit: should not specify rate limit unit when unlimited");
  }

  @Test
  void badReplacesEntriesAreRejected() {
    assertThat(
            errors(
                """
                domain: d
                descriptors:
                  - key: a
                    rate_limit:
                      name: mine
                      unit: second
                      requests_per_unit: 1
                      replaces:
                        - name: ""
                        - name: mine
                """))
        .containsExactly(
            "config/rl.yaml:9: descriptors[0].rate_limit.replaces[0]: should not have an empty replaces entry",
            "config/rl.yaml:10: descriptors[0].rate_limit.replaces[1]: replaces should not contain name of same descriptor");
  }

  @Test
  void shareThresholdNeedsAWildcardValue() {
    assertThat(
            errors("domain: d\ndescriptors:\n  - {key: a, value: exact, share_threshold: true}\n"))
        .singleElement()
        .asString()
        .contains("share_threshold can only be used with wildcard values");
  }

  @Test
  void requestsPerUnitMustBeAnUnsigned32BitNumber() {
    assertThat(
            errors(
                "domain: d\ndescriptors:\n  - key: a\n    rate_limit: {unit: second, requests_per_unit: lots}\n"))
        .containsExactly(
            "config/rl.yaml:4: descriptors[0].rate_limit.requests_per_unit: must be a whole number from 0 to 4294967295, got 'lots'");
  }

  @Test
  void listElementsMustBeMappings() {
    assertThat(errors("domain: d\ndescriptors:\n  - just-a-string\n"))
        .containsExactly(
            "config/rl.yaml:3: descriptors[0]: config error, yaml file contains list of type other than map");
  }

  @Test
  void yamlSyntaxErrorsNameTheLine() {
    assertThat(errors("domain: d\ndescriptors:\n  - key: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("config/rl.yaml:4: error loading config file:");
  }

  @Test
  void duplicateYamlKeysAreRejected() {
    assertThat(errors("domain: d\ndomain: e\n"))
        .singleElement()
        .asString()
        .contains("config/rl.yaml");
  }

  @Test
  void everyErrorOfEveryFileIsReported() {
    List<String> errors =
        errors(
            """
            domain: d
            descriptors:
              - key: a
                rate_limit: {unit: eon, requests_per_unit: 1}
              - key: b
                rate_limit: {unit: second, requests_per_unit: -1}
            """);

    assertThat(errors).hasSize(2);
  }

  @Test
  void aRateLimitPolicyDocumentInAFileLoadsItsSpec() throws Exception {
    RateLimitConfig config =
        load(
            "config/per-user.yaml",
            """
            apiVersion: attache.io/v1alpha1
            kind: RateLimitPolicy
            metadata: {name: per-user}
            spec:
              domain: quickstart
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: echo}]
              descriptorSources: {user: {requestHeader: x-user-id}}
              local: {requests_per_unit: 100, unit: second}
              mergeStrategy: AtomicOverrides
              descriptors:
                - key: user
                  rate_limit: {unit: minute, requests_per_unit: 3}
            """);

    RateLimitRule perUser =
        config.domain("quickstart").orElseThrow().children().get("user").limit().orElseThrow();
    assertThat(perUser.requestsPerUnit()).isEqualTo(3);
  }

  @Test
  void aRateLimitPolicyWithoutSpecIsRejected() {
    assertThat(errors("kind: RateLimitPolicy\nmetadata: {name: x}\n"))
        .anyMatch(e -> e.contains("a RateLimitPolicy needs a spec"));
  }
}
