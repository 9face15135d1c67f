package io.attache.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Optional;

/**
 * Hands the version a state-of-the-world NACK rejected from {@link AckTracking}, which learns it in
 * a request callback, to {@link NackAwareWatcher}, which opens the watch for that same request. The
 * two never meet otherwise: java-control-plane passes neither the stream nor the rejected version
 * to the watcher. It does run the request callbacks and then create the watch within one {@code
 * onNext} of the stream, on one thread, for one request object: so a thread-local slot, matched by
 * identity, carries the version across.
 */
final class RejectedVersions {
  private final ThreadLocal<Rejected> slot = new ThreadLocal<>();

  /** {@code nack} rejected the response that carried {@code version}. */
  void offer(DiscoveryRequest nack, String version) {
    slot.set(new Rejected(nack, version));
  }

  /**
   * The version {@code request} rejected, if it is the NACK offered last on this thread; clears the
   * slot either way, so a NACK the server ignored (stale nonce) is not carried further.
   */
  Optional<String> take(DiscoveryRequest request) {
    Rejected rejected = slot.get();
    slot.remove();
    return rejected != null && rejected.nack() == request
        ? Optional.of(rejected.version())
        : Optional.empty();
  }

  private record Rejected(DiscoveryRequest nack, String version) {}
}
