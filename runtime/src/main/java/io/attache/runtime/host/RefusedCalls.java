package io.attache.runtime.host;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts calls grpc-java refuses before any interceptor sees them, {@code
 * attache_grpc_calls_refused_total}: a request message over {@code GRPC_MAX_INBOUND_MESSAGE_BYTES}
 * or metadata over 8 KiB, which close the stream RESOURCE_EXHAUSTED from inside the transport. (Our
 * services never answer RESOURCE_EXHAUSTED themselves.) One tracer serves every stream: it keeps no
 * per-call state, so a call allocates nothing for it.
 */
final class RefusedCalls extends ServerStreamTracer.Factory {
  private final ServerStreamTracer tracer;

  RefusedCalls(MeterRegistry registry) {
    Counter refused =
        Counter.builder("attache.grpc.calls.refused")
            .description(
                "gRPC calls refused for a limit (RESOURCE_EXHAUSTED): message or metadata too large")
            .register(registry);
    tracer =
        new ServerStreamTracer() {
          @Override
          public void streamClosed(Status status) {
            if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              refused.increment();
            }
          }
        };
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return tracer;
  }
}
