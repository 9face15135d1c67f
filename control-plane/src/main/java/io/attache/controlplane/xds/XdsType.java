package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The resource types the control plane serves, in the order Envoy applies them. {@link #key()} is
 * the one name a type has in metrics labels, {@code /config_dump} and {@code attache translate}.
 */
public enum XdsType {
  CLUSTERS(Resources.V3.CLUSTER_TYPE_URL, Snapshot::clusters),
  ENDPOINTS(Resources.V3.ENDPOINT_TYPE_URL, Snapshot::endpoints),
  LISTENERS(Resources.V3.LISTENER_TYPE_URL, Snapshot::listeners),
  ROUTES(Resources.V3.ROUTE_TYPE_URL, Snapshot::routes),
  SECRETS(Resources.V3.SECRET_TYPE_URL, Snapshot::secrets);

  private static final Map<String, XdsType> BY_TYPE_URL =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(XdsType::typeUrl, t -> t));

  private final String typeUrl;
  private final Function<Snapshot, SnapshotResources<?>> part;

  XdsType(String typeUrl, Function<Snapshot, SnapshotResources<?>> part) {
    this.typeUrl = typeUrl;
    this.part = part;
  }

  /** {@code clusters}, {@code endpoints}, {@code listeners}, {@code routes} or {@code secrets}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** The type of a request's or response's {@code type_url}; empty for types we do not serve. */
  public static Optional<XdsType> ofTypeUrl(String typeUrl) {
    return Optional.ofNullable(BY_TYPE_URL.get(typeUrl));
  }

  /** This type's resources and version in {@code snapshot}. */
  SnapshotResources<?> in(Snapshot snapshot) {
    return part.apply(snapshot);
  }
}
