package io.attache.bench.servers;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The baselines: a Check and a ShouldRateLimit that answer OK at once with a prebuilt response.
 * Hosted exactly like the real services (same ServiceHost, Netty, direct executor), their
 * throughput is the limit of the transport the real services are measured against.
 */
final class NoopServices {
  private NoopServices() {}

  static final class Authorization extends AuthorizationGrpc.AuthorizationImplBase {
    private static final CheckResponse OK =
        CheckResponse.newBuilder()
            .setStatus(Status.newBuilder().setCode(0))
            .setOkResponse(OkHttpResponse.getDefaultInstance())
            .build();

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
      response.onNext(OK);
      response.onCompleted();
    }
  }

  static final class RateLimit extends RateLimitServiceGrpc.RateLimitServiceImplBase {
    @Override
    public void shouldRateLimit(
        RateLimitRequest request, StreamObserver<RateLimitResponse> response) {
      RateLimitResponse.Builder answer =
          RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK);
      for (int i = 0; i < request.getDescriptorsCount(); i++) {
        answer.addStatuses(
            RateLimitResponse.DescriptorStatus.newBuilder().setCode(RateLimitResponse.Code.OK));
      }
      response.onNext(answer.build());
      response.onCompleted();
    }
  }
}
