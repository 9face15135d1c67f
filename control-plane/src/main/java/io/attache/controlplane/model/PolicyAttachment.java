package io.attache.controlplane.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An AuthPolicy or RateLimitPolicy that names routes to protect ({@code targetRefs}): the control
 * plane inserts Envoy's ext_authz or ratelimit filter for those routes. A RateLimitPolicy without
 * targets is here too, with none: its limits are served to rate-limit services over xDS. The
 * policy's own content (identities, limits) is the business of ext-authz and ratelimit-service;
 * what the control plane needs from a RateLimitPolicy is its domain and, per limited descriptor,
 * the actions that make Envoy send it.
 */
public record PolicyAttachment(
    Kind kind,
    String namespace,
    String name,
    long generation,
    Instant created,
    List<Target> targets,
    Optional<RateLimits> rateLimits) {

  public PolicyAttachment {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    targets = List.copyOf(targets);
    Objects.requireNonNull(rateLimits, "rateLimits");
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** Which filter the policy needs. */
  public enum Kind {
    AUTH("AuthPolicy"),
    RATE_LIMIT("RateLimitPolicy");

    private final String displayName;

    Kind(String displayName) {
      this.displayName = displayName;
    }

    public String displayName() {
      return displayName;
    }
  }

  /**
   * An HTTPRoute, a Gateway (every route attached through it) or an Emissary Mapping in the
   * policy's namespace.
   */
  public record Target(TargetKind kind, String name) {
    public Target {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * What a filter policy can target. An Emissary Mapping is read as such and turned into the
   * HTTPRoute its group of Mappings is served as once the Mappings are in: translation sees only
   * the other two.
   */
  public enum TargetKind {
    HTTP_ROUTE,
    GATEWAY,
    MAPPING
  }

  /**
   * The domain, one list of actions per descriptor that carries a limit, the token bucket Envoy
   * keeps per route, if any ({@code spec.local}), the policy as the {@code RateLimitConfig} served
   * to rate-limit services over xDS, and whether a Gateway's limits override its routes' (GEP-713
   * {@code AtomicOverrides}) rather than stand in for them where they have none.
   */
  public record RateLimits(
      String domain,
      List<List<Action>> descriptors,
      Optional<Local> local,
      Optional<com.google.protobuf.Message> config,
      boolean overrides) {
    public RateLimits {
      Objects.requireNonNull(domain, "domain");
      descriptors = descriptors.stream().map(List::copyOf).toList();
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(config, "config");
    }

    /** Global limits only, as defaults. */
    public RateLimits(String domain, List<List<Action>> descriptors) {
      this(domain, descriptors, Optional.empty(), Optional.empty(), false);
    }
  }

  /**
   * Envoy's local token bucket for a route: {@code tokensPerFill} come back every {@code
   * fillInterval}, up to {@code maxTokens}.
   */
  public record Local(long maxTokens, long tokensPerFill, java.time.Duration fillInterval) {
    public Local {
      Objects.requireNonNull(fillInterval, "fillInterval");
    }
  }

  /** How Envoy produces one descriptor entry. */
  public sealed interface Action {}

  /** {@code remote_address}: the client's address (from x-forwarded-for when trusted). */
  public record RemoteAddress() implements Action {}

  /**
   * {@code source_cluster}: the cluster of the Envoy sending the request ({@code
   * --service-cluster}).
   */
  public record SourceCluster() implements Action {}

  /** {@code destination_cluster}: the cluster the route sends the request to. */
  public record DestinationCluster() implements Action {}

  /** A fixed entry: {@code key} (Envoy's default {@code generic_key}) and {@code value}. */
  public record GenericKey(String key, String value) implements Action {}

  /** An entry whose value is a request header's; no entry (and no limit) when it is absent. */
  public record RequestHeader(String header, String key) implements Action {}

  /** An entry whose value is found in dynamic metadata, e.g. what ext-authz returned. */
  public record DynamicMetadata(String filter, List<String> path, String key) implements Action {
    public DynamicMetadata {
      path = List.copyOf(path);
    }
  }
}
