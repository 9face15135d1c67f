package io.attache.crds.v1alpha1;

import io.attache.crds.PolicyStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.SchemaSwap;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Rate limits as a Kubernetes resource: the same descriptor tree as envoyproxy/ratelimit's YAML, so
 * a file's {@code domain} and {@code descriptors} can be pasted under {@code spec}. Several
 * policies may add to one domain; ratelimit-service merges them in namespace/name order and reports
 * conflicts in {@code status}.
 */
@Group("attache.io")
@Version("v1alpha1")
@Kind("RateLimitPolicy")
@Singular("ratelimitpolicy")
@Plural("ratelimitpolicies")
@ShortNames("rlp")
@AdditionalPrinterColumn(
    name = "Domain",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.domain")
@AdditionalPrinterColumn(
    name = "Accepted",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
// The descriptor tree is recursive; a CRD schema cannot be. Nine levels are typed (the reference's
// examples use three); deeper levels are refused by the API server rather than pruned silently.
@SchemaSwap(
    originalType = RateLimitDescriptor.class,
    fieldName = "descriptors",
    targetType = void.class,
    depth = 8)
public class RateLimitPolicy extends CustomResource<RateLimitPolicySpec, PolicyStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  @Override
  protected PolicyStatus initStatus() {
    return new PolicyStatus();
  }
}
