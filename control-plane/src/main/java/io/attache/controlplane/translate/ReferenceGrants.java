package io.attache.controlplane.translate;

import io.attache.controlplane.model.ReferenceGrantState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cross-namespace references the ReferenceGrants allow, as the Gateway API specifies
 * (gateway-api.sigs.k8s.io/api-types/referencegrant): a reference from an object in one namespace
 * to an object in another is allowed when a grant <em>in the target's namespace</em> has a {@code
 * from} matching the referring object's group, kind and namespace and a {@code to} matching the
 * target's group and kind, and its name if the {@code to} names one. A reference within a namespace
 * needs no grant. Pure.
 */
public final class ReferenceGrants {
  /** The Gateway API's group, of Gateways and routes. */
  public static final String GATEWAY_API = "gateway.networking.k8s.io";

  /** The core group, of Services and Secrets. */
  public static final String CORE = "";

  private final Map<String, List<ReferenceGrantState>> byNamespace = new HashMap<>();

  public ReferenceGrants(List<ReferenceGrantState> grants) {
    grants.forEach(g -> byNamespace.computeIfAbsent(g.namespace(), n -> new ArrayList<>()).add(g));
  }

  /**
   * Whether an object of Gateway API kind {@code fromKind} in {@code fromNamespace} may refer to
   * the core object {@code toKind} {@code toNamespace}/{@code toName}.
   */
  public boolean permits(
      String fromKind, String fromNamespace, String toKind, String toNamespace, String toName) {
    if (fromNamespace.equals(toNamespace)) {
      return true;
    }
    for (ReferenceGrantState grant : byNamespace.getOrDefault(toNamespace, List.of())) {
      if (grant.from().stream().anyMatch(f -> matches(f, fromKind, fromNamespace))
          && grant.to().stream().anyMatch(t -> matches(t, toKind, toName))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(ReferenceGrantState.From from, String kind, String namespace) {
    return from.group().equals(GATEWAY_API)
        && from.kind().equals(kind)
        && from.namespace().equals(namespace);
  }

  private static boolean matches(ReferenceGrantState.To to, String kind, String name) {
    return to.group().equals(CORE)
        && to.kind().equals(kind)
        && to.name().map(name::equals).orElse(true);
  }
}
