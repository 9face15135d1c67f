package io.attache.ratelimit.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.crds.Conditions;
import io.attache.crds.v1alpha1.RateLimit;
import io.attache.crds.v1alpha1.RateLimitDescriptor;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicySpec;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import io.attache.testsupport.ServiceProbe;
import io.attache.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RateLimitPolicy resources as a configuration source, against fabric8's mock API server in CRUD
 * mode (no kube-apiserver can run here): policies merge, bad or conflicting ones are reported in
 * their status and left out, and the rest applies.
 */
class RateLimitPolicySourceTest {
  private MockApiServer api; // not @EnableKubernetesMockClient: see MockApiServer
  private KubernetesClient client;

  @TempDir Path root;
  private ServiceHost host;
  private int debugPort;

  @BeforeEach
  void start() throws Exception {
    api = MockApiServer.start();
    client = api.newClient();
    Files.createDirectories(root.resolve("config"));
    Files.writeString(
        root.resolve("config/files.yaml"),
        "domain: from-files\ndescriptors:\n  - {key: k, rate_limit: {unit: second, requests_per_unit: 1}}\n");
    debugPort = FreePorts.next();
    Settings settings =
        new Settings(
            Map.of(
                "HOST", "127.0.0.1",
                "GRPC_PORT", "0",
                "PORT", "0",
                "DEBUG_PORT", String.valueOf(debugPort),
                "BACKEND_TYPE", "memory",
                "RUNTIME_ROOT", root.toString()));
    host = RateLimitApp.start(settings, () -> 2_000_000_000L, Optional.of(client));
  }

  @AfterEach
  void stop() {
    host.close();
    client.close(); // before the mock server's shutdown, which waits for open connections
    api.stop();
  }

  private static RateLimitPolicy policy(
      String name, String domain, String key, String unit, long rpu) {
    RateLimit limit = new RateLimit();
    limit.setUnit(unit);
    limit.setRequestsPerUnit(rpu);
    RateLimitDescriptor descriptor = new RateLimitDescriptor();
    descriptor.setKey(key);
    descriptor.setRateLimit(limit);
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setDomain(domain);
    spec.setDescriptors(List.of(descriptor));
    RateLimitPolicy policy = new RateLimitPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
    policy.setSpec(spec);
    return policy;
  }

  private String rlconfig() {
    return ServiceProbe.get("127.0.0.1", debugPort, "/rlconfig").body();
  }

  private Optional<Condition> accepted(String name) {
    RateLimitPolicy current =
        client.resources(RateLimitPolicy.class).inNamespace("shop").withName(name).get();
    return current == null || current.getStatus() == null
        ? Optional.empty()
        : Conditions.find(current.getStatus(), Conditions.ACCEPTED);
  }

  @Test
  void policiesForOneDomainMergeWithTheFiles() {
    client.resource(policy("a-users", "api", "user", "minute", 10)).create();
    client.resource(policy("b-ips", "api", "remote_address", "second", 5)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(rlconfig())
                    .contains("from-files.k: unit=SECOND requests_per_unit=1")
                    .contains("api.user: unit=MINUTE requests_per_unit=10")
                    .contains("api.remote_address: unit=SECOND requests_per_unit=5"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(accepted("a-users"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(accepted("b-ips"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }

  /**
   * A window of any length, a token bucket and a sliding window (issue #25) reach the service from
   * policies too.
   */
  @Test
  void aPolicysWindowOfAnyLengthApplies() {
    RateLimitPolicy bursts = policy("c-bursts", "bursts", "user", "minute", 3);
    bursts.getSpec().getDescriptors().get(0).getRateLimit().setUnit(null);
    bursts.getSpec().getDescriptors().get(0).getRateLimit().setWindow("5s");
    client.resource(bursts).create();
    RateLimitPolicy bucket = policy("d-bucket", "buckets", "user", "minute", 60);
    bucket.getSpec().getDescriptors().get(0).getRateLimit().setAlgorithm("token_bucket");
    bucket.getSpec().getDescriptors().get(0).getRateLimit().setBurst(10L);
    client.resource(bucket).create();
    RateLimitPolicy sliding = policy("e-sliding", "sliding", "user", "hour", 100);
    sliding.getSpec().getDescriptors().get(0).getRateLimit().setAlgorithm("sliding_window");
    client.resource(sliding).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(rlconfig())
                    .contains("bursts.user: unit=UNKNOWN window=5s requests_per_unit=3")
                    .contains(
                        "buckets.user: unit=MINUTE requests_per_unit=60 algorithm=token_bucket"
                            + " burst=10")
                    .contains(
                        "sliding.user: unit=HOUR requests_per_unit=100 algorithm=sliding_window"));
  }

  @Test
  void anInvalidPolicyIsRejectedInItsStatusAndTheOthersStillApply() {
    client.resource(policy("good", "api", "user", "minute", 10)).create();
    client.resource(policy("bad", "api", "tenant", "fortnight", 10)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accepted("bad"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Invalid");
                          assertThat(c.getMessage())
                              .isEqualTo(
                                  "spec.descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'");
                        }));
    assertThat(rlconfig()).contains("api.user").doesNotContain("tenant");
  }

  @Test
  void theLaterOfTwoConflictingPoliciesIsRejected() {
    client.resource(policy("first", "api", "user", "minute", 10)).create();
    client.resource(policy("second", "api", "user", "hour", 99)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accepted("second"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("Conflicted");
                          assertThat(c.getMessage())
                              .contains("duplicate descriptor composite key 'api.user'")
                              .contains("shop/first");
                        }));
    assertThat(rlconfig())
        .contains("api.user: unit=MINUTE requests_per_unit=10")
        .doesNotContain("99");
  }

  @Test
  void aPolicyMayNotClaimADomainTheFilesConfigure() {
    client.resource(policy("sneaky", "from-files", "other", "minute", 1)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(accepted("sneaky"))
                    .hasValueSatisfying(
                        c -> assertThat(c.getMessage()).contains("already configured by a file")));
  }

  /**
   * A policy with only {@code spec.local} is Envoy's bucket, the control plane's alone: this
   * service neither counts its domain nor judges it, even one the files configure.
   */
  @Test
  void aLocalOnlyPolicyIsLeftToTheControlPlane() {
    RateLimitPolicy local = policy("local-only", "from-files", "other", "minute", 1);
    local.getSpec().setDescriptors(List.of());
    io.attache.crds.v1alpha1.LocalRateLimit bucket = new io.attache.crds.v1alpha1.LocalRateLimit();
    bucket.setRequestsPerUnit(10L);
    bucket.setUnit("second");
    local.getSpec().setLocal(bucket);
    client.resource(local).create();
    client.resource(policy("after", "api", "user", "minute", 7)).create();

    await().atMost(Duration.ofSeconds(10)).until(() -> accepted("after").isPresent());

    assertThat(accepted("local-only")).isEmpty();
  }

  @Test
  void aDeletedPolicyStopsApplying() {
    client.resource(policy("temp", "api", "user", "minute", 10)).create();
    await().atMost(Duration.ofSeconds(10)).until(() -> rlconfig().contains("api.user"));

    client.resources(RateLimitPolicy.class).inNamespace("shop").withName("temp").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> !rlconfig().contains("api.user"));
  }
}
