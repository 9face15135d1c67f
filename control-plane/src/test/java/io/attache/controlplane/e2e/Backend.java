package io.attache.controlplane.e2e;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** A real gRPC backend on loopback: the standard health service, counting the calls it serves. */
final class Backend implements AutoCloseable {
  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();

  Backend(int port) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    ServerInterceptor counting =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            calls.incrementAndGet();
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(ServerInterceptors.intercept(health.getHealthService(), counting))
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  int calls() {
    return calls.get();
  }

  void resetCalls() {
    calls.set(0);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
