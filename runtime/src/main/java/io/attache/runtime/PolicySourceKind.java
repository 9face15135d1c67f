package io.attache.runtime;

/**
 * Where ext-authz and ratelimit-service take their policies from besides files ({@code
 * ATTACHE_POLICY_SOURCE}): the Kubernetes API, or nowhere. One choice for both services, so the
 * same value means the same in each.
 */
public enum PolicySourceKind {
  KUBERNETES,
  NONE;

  /**
   * {@code ATTACHE_POLICY_SOURCE}; by default Kubernetes inside a cluster ({@code
   * KUBERNETES_SERVICE_HOST} set) or when the caller hands in a client, none otherwise.
   */
  public static PolicySourceKind fromSettings(Settings settings, boolean clientGiven) {
    return settings.choice(
        "ATTACHE_POLICY_SOURCE",
        clientGiven || settings.optional("KUBERNETES_SERVICE_HOST").isPresent()
            ? KUBERNETES
            : NONE);
  }
}
