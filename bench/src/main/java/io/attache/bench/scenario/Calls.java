package io.attache.bench.scenario;

import io.attache.bench.load.UnaryCall;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import java.util.Map;

/**
 * The requests a benchmark sends, built once: Envoy-shaped Check requests and rate-limit requests
 * over a thousand users (so counters are spread as in real traffic).
 */
final class Calls {
  private static final int USERS = 1_000;

  private Calls() {}

  static UnaryCall check(String path, Map<String, String> headers) {
    CheckRequest request =
        CheckRequest.newBuilder()
            .setAttributes(
                AttributeContext.newBuilder()
                    .setSource(
                        AttributeContext.Peer.newBuilder()
                            .setAddress(
                                Address.newBuilder()
                                    .setSocketAddress(
                                        SocketAddress.newBuilder()
                                            .setAddress("10.0.0.7")
                                            .setPortValue(41234))))
                    .setRequest(
                        AttributeContext.Request.newBuilder()
                            .setHttp(
                                AttributeContext.HttpRequest.newBuilder()
                                    .setId("bench")
                                    .setMethod("GET")
                                    .setHost("api.bench")
                                    .setPath(path)
                                    .setScheme("https")
                                    .setProtocol("HTTP/2")
                                    .putAllHeaders(headers)
                                    .putHeaders(":authority", "api.bench")
                                    .putHeaders(":path", path)
                                    .putHeaders(":method", "GET"))))
            .build();
    return (channel, sequence) -> AuthorizationGrpc.newFutureStub(channel).check(request);
  }

  static UnaryCall rateLimit() {
    return rateLimit("bench");
  }

  /**
   * As above in {@code domain}: {@code bench-tb} counts the same descriptors by token bucket,
   * {@code bench-sw} in sliding windows.
   */
  static UnaryCall rateLimit(String domain) {
    RateLimitRequest[] requests = new RateLimitRequest[USERS];
    for (int i = 0; i < USERS; i++) {
      requests[i] =
          RateLimitRequest.newBuilder()
              .setDomain(domain)
              .addDescriptors(descriptor(Map.of("user", "u-" + i)))
              .addDescriptors(descriptor(Map.of("user", "u-" + i, "path", "/orders")))
              .setHitsAddend(1)
              .build();
    }
    return (channel, sequence) ->
        RateLimitServiceGrpc.newFutureStub(channel)
            .shouldRateLimit(requests[(int) (sequence % USERS)]);
  }

  private static RateLimitDescriptor descriptor(Map<String, String> entries) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
    // Insertion order matters to the service (the tree is walked in order): user, then path.
    entries.entrySet().stream()
        .sorted(Map.Entry.<String, String>comparingByKey().reversed())
        .forEach(
            e ->
                descriptor.addEntries(
                    RateLimitDescriptor.Entry.newBuilder()
                        .setKey(e.getKey())
                        .setValue(e.getValue())));
    return descriptor.build();
  }
}
