package io.attache.authz.grpc;

import io.attache.authz.core.AuthzService;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;

/**
 * {@code envoy.service.auth.v3.Authorization/Check}: the decision is always an answer (a denial is
 * a {@code CheckResponse} with a non-OK status), never a gRPC error, so Envoy's {@code
 * failure_mode_allow} only ever applies to real outages.
 */
public final class AuthorizationGrpcService extends AuthorizationGrpc.AuthorizationImplBase {
  private final AuthzService service;

  public AuthorizationGrpcService(AuthzService service) {
    this.service = service;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responseObserver) {
    responseObserver.onNext(CheckMapping.toProto(service.check(CheckMapping.toCore(request))));
    responseObserver.onCompleted();
  }
}
