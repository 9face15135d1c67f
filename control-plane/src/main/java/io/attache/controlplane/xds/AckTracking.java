package io.attache.controlplane.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows what clients do with our responses. A request that carries a {@code response_nonce}
 * answers one of them: an ACK, or a NACK when it also carries {@code error_detail} (the client
 * rejected that configuration and keeps its previous one). Counts both per type and node group
 * ({@code attache_xds_acks_total}, {@code attache_xds_nacks_total}), gauges the open streams
 * ({@code attache_xds_streams_open}), logs a NACK with the client's reason and keeps the last one
 * per group and type for {@code /config_dump}. Tells {@link NackAwareWatcher} which version a
 * state-of-the-world NACK rejected, so that version is not sent again.
 *
 * <p>Runs on the stream's thread for every request and response: it touches concurrent maps and
 * counters only, and never blocks.
 */
final class AckTracking implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(AckTracking.class);

  /** The type label of requests for types we do not serve: a bounded set of label values. */
  static final String OTHER_TYPE = "other";

  private final NodeGroups groups;
  private final MeterRegistry registry;
  private final Clock clock;
  private final RejectedVersions rejections;
  private final Map<Long, StreamState> streams = new ConcurrentHashMap<>();
  private final Map<GroupType, Nack> lastNacks = new ConcurrentHashMap<>();
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  AckTracking(NodeGroups groups, MeterRegistry registry, Clock clock, RejectedVersions rejections) {
    this.groups = groups;
    this.registry = registry;
    this.clock = clock;
    this.rejections = rejections;
    Gauge.builder("attache.xds.streams.open", streams, Map::size)
        .description("ADS streams open now, state-of-the-world and delta")
        .register(registry);
  }

  /** The last NACK of {@code type} from any client of {@code group}, if one ever came. */
  Optional<Nack> lastNack(String group, XdsType type) {
    return Optional.ofNullable(lastNacks.get(new GroupType(group, type)));
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new StreamState());
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    streams.remove(streamId);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    StreamState stream = streams.get(streamId);
    if (stream != null && request.hasErrorDetail()) {
      // For NackAwareWatcher, which opens this request's watch right after this callback.
      stream
          .rejectedVersion(request.getTypeUrl(), request.getResponseNonce())
          .ifPresent(version -> rejections.offer(request, version));
    }
    answered(
        streamId,
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty(),
        request.getTypeUrl(),
        request.getResponseNonce(),
        request.hasErrorDetail()
            ? Optional.of(request.getErrorDetail().getMessage())
            : Optional.empty());
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    answered(
        streamId,
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty(),
        request.getTypeUrl(),
        request.getResponseNonce(),
        request.hasErrorDetail()
            ? Optional.of(request.getErrorDetail().getMessage())
            : Optional.empty());
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    sent(streamId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
  }

  @Override
  public void onV3StreamDeltaResponse(
      long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    sent(streamId, response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo());
  }

  // The server calls this before the response leaves, so the answer to it finds it here.
  private void sent(long streamId, String typeUrl, String nonce, String version) {
    StreamState stream = streams.get(streamId);
    if (stream != null) {
      stream.sent.put(typeUrl, new Sent(nonce, version));
    }
  }

  private void answered(
      long streamId,
      Optional<Node> node,
      String typeUrl,
      String nonce,
      Optional<String> rejection) {
    StreamState stream = streams.get(streamId);
    if (stream == null) {
      return; // opened before this callback was registered, or already closed
    }
    // Clients may name their node on the first request of a stream only.
    node.ifPresent(n -> stream.node = n);
    if (nonce.isEmpty()) {
      return; // the first request of a type: it answers nothing
    }
    if (nonce.equals(stream.lastAnswered.put(typeUrl, nonce))) {
      return; // a new subscription that repeats its last answer: not a second ACK
    }
    Node client = stream.node;
    String group = groups.hash(client);
    Optional<XdsType> type = XdsType.ofTypeUrl(typeUrl);
    String typeLabel = type.map(XdsType::key).orElse(OTHER_TYPE);
    if (rejection.isEmpty()) {
      counter(Answer.ACK, typeLabel, group).increment();
      return;
    }
    counter(Answer.NACK, typeLabel, group).increment();
    Optional<String> version = stream.rejectedVersion(typeUrl, nonce);
    String message = rejection.get();
    type.ifPresent(
        t ->
            lastNacks.put(
                new GroupType(group, t),
                new Nack(client.getId(), group, t, version, nonce, message, clock.instant())));
    // A client offered the same rejected version again rejects it again: say so once per stream.
    Rejection rejected = new Rejection(version, message);
    boolean repeated = rejected.equals(stream.lastRejection.put(typeUrl, rejected));
    if (repeated) {
      log.debug(
          "node {} (group {}) rejected {} version {} again",
          client.getId(),
          group,
          typeUrl,
          version.orElse("?"));
    } else {
      log.warn(
          "node {} (group {}) rejected {} version {} (nonce {}) and keeps its previous one: {}",
          client.getId(),
          group,
          typeUrl,
          version.orElse("?"),
          nonce,
          message);
    }
  }

  private Counter counter(Answer answer, String type, String group) {
    return counters.computeIfAbsent(
        new CounterKey(answer, type, group),
        key ->
            Counter.builder(answer.metric)
                .description(answer.description)
                .tag("type", type)
                .tag("group", group)
                .register(registry));
  }

  private enum Answer {
    ACK("attache.xds.acks", "Responses clients accepted, by type and node group"),
    NACK("attache.xds.nacks", "Responses clients rejected (error_detail set), by type and group");

    final String metric;
    final String description;

    Answer(String metric, String description) {
      this.metric = metric;
      this.description = description;
    }
  }

  /** What one ADS stream told us and was sent. */
  private static final class StreamState {
    // gRPC delivers a stream's requests one at a time, but not always on the same thread.
    volatile Node node = Node.getDefaultInstance();
    final Map<String, Sent> sent = new ConcurrentHashMap<>();
    final Map<String, String> lastAnswered = new ConcurrentHashMap<>();
    final Map<String, Rejection> lastRejection = new ConcurrentHashMap<>();

    /** The version of the response with {@code nonce}, if it is the last one of its type. */
    Optional<String> rejectedVersion(String typeUrl, String nonce) {
      return Optional.ofNullable(sent.get(typeUrl))
          .filter(last -> last.nonce().equals(nonce))
          .map(Sent::version);
    }
  }

  private record Sent(String nonce, String version) {}

  private record Rejection(Optional<String> version, String message) {}

  private record GroupType(String group, XdsType type) {}

  private record CounterKey(Answer answer, String type, String group) {}
}
