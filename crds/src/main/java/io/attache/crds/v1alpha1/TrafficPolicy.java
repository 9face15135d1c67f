package io.attache.crds.v1alpha1;

import io.attache.crds.PolicyStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How traffic to a Service (or through an HTTPRoute) is balanced, limited and retried: load
 * balancer, circuit breakers, outlier detection, health checks, connect timeout, retries. The
 * control plane turns it into Envoy cluster and route settings.
 */
@Group("attache.io")
@Version("v1alpha1")
@Kind("TrafficPolicy")
@Singular("trafficpolicy")
@Plural("trafficpolicies")
@ShortNames("tp")
@AdditionalPrinterColumn(
    name = "Targets",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.targetRefs[*].name")
@AdditionalPrinterColumn(
    name = "Accepted",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class TrafficPolicy extends CustomResource<TrafficPolicySpec, PolicyStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  @Override
  protected PolicyStatus initStatus() {
    return new PolicyStatus();
  }
}
