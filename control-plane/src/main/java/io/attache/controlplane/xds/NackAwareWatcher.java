package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The snapshot cache as the discovery server sees it, except that a state-of-the-world NACK waits
 * for the next version instead of getting the rejected one again.
 *
 * <p>A NACK's {@code version_info} is the client's last good version, so the cache, seeing it
 * behind, answers at once with the current snapshot: the configuration just rejected. The client
 * rejects it again and the two spin as fast as the network allows. Here the watch for a NACK is
 * opened as if the client held the rejected version and knew its resources; the next snapshot that
 * differs answers it, and a snapshot that already changed since the rejected response answers it at
 * once. Delta streams need none of this: the server keeps their version itself.
 */
final class NackAwareWatcher implements ConfigWatcher {
  private final ConfigWatcher cache;
  private final RejectedVersions rejections;

  NackAwareWatcher(ConfigWatcher cache, RejectedVersions rejections) {
    this.cache = cache;
    this.rejections = rejections;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    Optional<String> rejected = rejections.take(request.v3Request());
    if (rejected.isEmpty()) {
      return cache.createWatch(
          ads,
          request,
          knownResourceNames,
          responseConsumer,
          hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    // Known names = requested names, or the cache would answer "new" names at once; and no
    // cluster-change push, which the rejected response already was.
    return cache.createWatch(
        ads,
        XdsRequest.create(request.v3Request().toBuilder().setVersionInfo(rejected.get()).build()),
        Set.copyOf(request.getResourceNamesList()),
        responseConsumer,
        false,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return cache.createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }
}
