package io.attache.authz.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for AuthPolicy resources as ext-authz reads them from the API server: a document
 * fabric8 turns into the CRD's class is written out as {@link AuthPolicyResources} writes it and
 * parsed, which yields policies or a {@link PolicyException} listing its errors, nothing else. What
 * fabric8 cannot deserialise never reaches us (the watch drops it), nor does a resource without
 * name or namespace (the API server gives every one both).
 */
class AuthPolicyResourceFuzzTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final PolicyParser PARSER =
      new PolicyParser(JwtPolicyFactory.offline(), new CelConditions(), "secret".getBytes());

  @FuzzTest
  void aResourceParsesOrListsItsErrors(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    AuthPolicy resource;
    try {
      resource = JSON.unmarshal(yaml, AuthPolicy.class);
    } catch (RuntimeException notAnAuthPolicy) {
      return;
    }
    if (resource == null
        || resource.getMetadata() == null
        || resource.getMetadata().getName() == null
        || resource.getMetadata().getNamespace() == null) {
      return;
    }
    try {
      PARSER.parse("AuthPolicy fuzzed", AuthPolicyResources.document(JSON, resource));
    } catch (PolicyException e) {
      assertThat(e.errors()).isNotEmpty();
      assertThat(e.errors()).allSatisfy(error -> assertThat(error.toString()).isNotBlank());
    }
  }
}
