package io.attache.ratelimit.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.attache.crds.Verdict;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.ratelimit.config.PolicyMerger;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Fuzz target for RateLimitPolicy resources as this service reads them: a document fabric8 turns
 * into the CRD's class is written as {@link PolicySource} writes it and merged beside a valid
 * policy. Merging never throws, and every policy gets a verdict; a refusal says why. What fabric8
 * cannot deserialise never reaches us (the watch drops it), nor does a resource without a name (the
 * API server gives every one a name and namespace).
 */
class RateLimitPolicyFuzzTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final PolicyMerger.Policy VALID =
      new PolicyMerger.Policy(
          "shop/valid",
          1,
          "{\"domain\":\"shop\",\"descriptors\":[{\"key\":\"user\",\"rate_limit\":"
              + "{\"unit\":\"minute\",\"requests_per_unit\":10}}]}");

  @FuzzTest
  void mergesOrSaysWhy(byte[] input) {
    RateLimitPolicy resource;
    try {
      resource = JSON.unmarshal(new String(input, StandardCharsets.UTF_8), RateLimitPolicy.class);
    } catch (RuntimeException notARateLimitPolicy) {
      return;
    }
    if (resource == null
        || resource.getMetadata() == null
        || resource.getMetadata().getName() == null
        || PolicySource.localOnly(resource.getSpec())) {
      return;
    }
    String spec =
        resource.getSpec() == null ? "{}" : PolicySource.limitsOnly(JSON, resource.getSpec());
    PolicyMerger.Result result =
        new PolicyMerger()
            .merge(
                List.of(new PolicyMerger.Policy("fuzz/policy", 2, spec), VALID), Set.of("files"));

    assertThat(result.verdicts()).containsKeys("fuzz/policy", "shop/valid");
    for (Verdict verdict : result.verdicts().values()) {
      if (!verdict.accepted()) {
        assertThat(verdict.message()).isNotBlank();
      }
    }
  }
}
