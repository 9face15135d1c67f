package io.attache.bench.load;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;

/**
 * Sends one unary call on a channel. Implementations prebuild their requests: the generator must
 * cost far less than the server it measures.
 */
@FunctionalInterface
public interface UnaryCall {
  ListenableFuture<?> send(Channel channel, long sequence);
}
