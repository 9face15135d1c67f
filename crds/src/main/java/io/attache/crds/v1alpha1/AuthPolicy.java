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
 * Who may call what: request match, identity methods (JWT, API key, mTLS, anonymous), CEL rules and
 * the response. ext-authz reads the same documents from files; see ext-authz/README.md for the
 * fields.
 */
@Group("attache.io")
@Version("v1alpha1")
@Kind("AuthPolicy")
@Singular("authpolicy")
@Plural("authpolicies")
@ShortNames("ap")
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
public class AuthPolicy extends CustomResource<AuthPolicySpec, PolicyStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;

  @Override
  protected PolicyStatus initStatus() {
    return new PolicyStatus();
  }
}
