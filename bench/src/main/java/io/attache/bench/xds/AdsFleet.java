package io.attache.bench.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Many ADS clients of one node group, multiplexed over a handful of HTTP/2 connections as a fleet
 * behind a few load balancers would be. Client {@code i} subscribes to the endpoints of the hot
 * cluster plus a fixed random sample of others, so every client is concerned by a hot change and
 * the responses have a realistic size. Responses are handled on the Netty event loops (direct
 * executor): the clients share the machine with the server under test, so they do as little as
 * possible: the delta clients never build a response as a message.
 */
final class AdsFleet implements AutoCloseable {
  static final String NODE_GROUP = "bench-fleet";

  /** The largest response a client accepts: far above a 10k-cluster CDS response (~2 MiB). */
  private static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

  /** Clients subscribing together (see {@link #connect}). */
  static final int WAVE = 50;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AdsClient> clients = new ArrayList<>();

  /**
   * Connects {@code clients} clients of {@code mode} over {@code channels} connections to {@code
   * server}, each subscribing to {@code sampleSize} of the {@code services} clusters' endpoints.
   */
  AdsFleet(
      InetSocketAddress server,
      XdsMode mode,
      int clients,
      int channels,
      int services,
      int sampleSize) {
    for (int c = 0; c < Math.min(channels, clients); c++) {
      this.channels.add(
          NettyChannelBuilder.forAddress(server)
              .usePlaintext()
              .directExecutor()
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .build());
    }
    for (int i = 0; i < clients; i++) {
      Node node = Node.newBuilder().setId("bench-%04d".formatted(i)).setCluster(NODE_GROUP).build();
      AdsClient client =
          mode.client(
              this.channels.get(i % this.channels.size()),
              i,
              node,
              endpointSample(i, services, sampleSize));
      this.clients.add(client);
    }
  }

  /** The hot cluster first, then distinct others chosen by a generator seeded with the client. */
  static List<String> endpointSample(int client, int services, int sampleSize) {
    Set<String> names = new LinkedHashSet<>();
    names.add(SyntheticCluster.hotCluster());
    Random random = new Random(client);
    int wanted = Math.min(sampleSize, services);
    while (names.size() < wanted) {
      names.add(SyntheticCluster.clusterName(1 + random.nextInt(services - 1)));
    }
    return List.copyOf(names);
  }

  /**
   * Subscribes the clients a wave of {@link #WAVE} at a time, each wave once the one before has
   * ACKed its first clusters and endpoints, until all have. A fleet reconnecting after a rollout
   * arrives spread out like this; all at once, every client of a 50k-Service fleet would be sent
   * its 50,000 clusters together, and the server would hold all those responses at the same time.
   */
  void connect(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int from = 0; from < clients.size(); from += WAVE) {
      List<AdsClient> wave = clients.subList(from, Math.min(clients.size(), from + WAVE));
      wave.forEach(AdsClient::subscribe);
      for (AdsClient client : wave) {
        long left = deadline - System.nanoTime();
        if (!client.synced().await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
          long synced = clients.stream().filter(c -> c.synced().getCount() == 0).count();
          throw new IllegalStateException(
              "only %d of %d clients synced within %s%s"
                  .formatted(synced, clients.size(), timeout, failures()));
        }
      }
    }
  }

  /** Arms a new round on every client; the caller publishes right after. */
  PushRound arm(long publishedNanos) {
    PushRound round = new PushRound(clients.size(), publishedNanos);
    clients.forEach(client -> client.arm(round));
    return round;
  }

  /** Clusters responses received by all clients so far. */
  int clusterResponses() {
    return clients.stream().mapToInt(AdsClient::clusterResponses).sum();
  }

  /** The first stream errors, for a failure message; empty when there are none. */
  String failures() {
    List<String> errors =
        clients.stream()
            .flatMap(c -> c.failure().stream())
            .limit(3)
            .map(Throwable::toString)
            .toList();
    return errors.isEmpty() ? "" : "; stream errors: " + String.join(", ", errors);
  }

  @Override
  public void close() throws InterruptedException {
    for (AdsClient client : clients) {
      client.close();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
