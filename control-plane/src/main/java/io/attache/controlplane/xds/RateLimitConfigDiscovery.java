package io.attache.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.model.PolicyAttachment;
import io.attache.runtime.xds.RateLimitConfigSchema;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves RateLimitPolicies to rate-limit services as {@code
 * ratelimit.config.ratelimit.v3.RateLimitConfig} resources over state-of-the-world ADS, the way the
 * reference service reads its configuration with {@code CONFIG_TYPE=GRPC_XDS_SOTW} (and ours does
 * too): one resource per policy, named {@code namespace/name}, every one to every client (node ids
 * are not told apart: a rate-limit service serves every domain). Of policies claiming one domain
 * the first by namespace/name is served and the others left out, as a rate-limit service merging
 * them would refuse the whole configuration. A client that asks for names gets those only. The
 * version is the content's hash, so a restarted control plane serves the version clients hold.
 */
public final class RateLimitConfigDiscovery {
  private static final Logger log = LoggerFactory.getLogger(RateLimitConfigDiscovery.class);

  /** What is served now. */
  private record Served(String version, Map<String, Any> resources) {}

  /** Null until the first state: a client connecting before it waits rather than get nothing. */
  private volatile Served served;

  private final Set<Stream> streams = new CopyOnWriteArraySet<>();
  private final AtomicLong nonces = new AtomicLong();
  private final Counter acks;
  private final Counter nacks;

  public RateLimitConfigDiscovery(MeterRegistry registry) {
    this.acks =
        Counter.builder("attache_xds_ratelimit_config_responses")
            .tag("answer", "ack")
            .description("RateLimitConfig responses accepted by rate-limit services")
            .register(registry);
    this.nacks =
        Counter.builder("attache_xds_ratelimit_config_responses")
            .tag("answer", "nack")
            .description("RateLimitConfig responses refused by rate-limit services")
            .register(registry);
  }

  /** The policies of {@code state}, served to every open stream if they changed. */
  public void update(ClusterState state) {
    List<PolicyAttachment> policies = new ArrayList<>();
    for (PolicyAttachment policy : state.attachments()) {
      if (policy.rateLimits().flatMap(PolicyAttachment.RateLimits::config).isPresent()) {
        policies.add(policy);
      }
    }
    policies.sort(Comparator.comparing(PolicyAttachment::key));
    Map<String, Any> resources = new java.util.LinkedHashMap<>();
    Map<String, String> domains = new HashMap<>();
    List<byte[]> contents = new ArrayList<>();
    for (PolicyAttachment policy : policies) {
      PolicyAttachment.RateLimits limits = policy.rateLimits().orElseThrow();
      String owner = domains.putIfAbsent(limits.domain(), policy.key());
      if (owner != null) {
        log.warn(
            "RateLimitConfig: {} is left out: domain '{}' is served from {}",
            policy.key(),
            limits.domain(),
            owner);
        continue;
      }
      Message config = limits.config().orElseThrow();
      resources.put(
          policy.key(),
          Any.newBuilder()
              .setTypeUrl(RateLimitConfigSchema.TYPE_URL)
              .setValue(config.toByteString())
              .build());
      contents.add(policy.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      contents.add(config.toByteArray());
    }
    String version = version(contents);
    if (served != null && version.equals(served.version())) {
      return;
    }
    // In namespace/name order, as built: every client sees the same list.
    served = new Served(version, java.util.Collections.unmodifiableMap(resources));
    log.info("RateLimitConfig: version {}, {} policies", version, resources.size());
    streams.forEach(Stream::push);
  }

  /** A new ADS stream whose first request asked for RateLimitConfig. */
  StreamObserver<DiscoveryRequest> open(ServerCallStreamObserver<DiscoveryResponse> responses) {
    Stream stream = new Stream(responses);
    // A client that is not reading gets the newest version when it is, not every one between.
    responses.setOnReadyHandler(stream::push);
    streams.add(stream);
    return stream;
  }

  private static String version(List<byte[]> contents) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] content : contents) {
        digest.update(
            Integer.toString(content.length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(content);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** One client's stream: what it asked for and what it was last sent. */
  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final ServerCallStreamObserver<DiscoveryResponse> responses;
    private List<String> names = List.of();
    private String sentVersion;
    private String sentNonce;
    private boolean subscribed;
    private boolean closed;

    Stream(ServerCallStreamObserver<DiscoveryResponse> responses) {
      this.responses = responses;
    }

    @Override
    public synchronized void onNext(DiscoveryRequest request) {
      if (!request.getTypeUrl().equals(RateLimitConfigSchema.TYPE_URL)) {
        log.warn(
            "RateLimitConfig stream of {}: a request for {} ignored (one type per stream here)",
            request.getNode().getId(),
            request.getTypeUrl());
        return;
      }
      // Until this stream has sent something, every request subscribes, whatever nonce it carries:
      // go-control-plane's client reconnects with the last nonce of its previous stream.
      boolean answer = sentNonce != null && !request.getResponseNonce().isEmpty();
      if (answer && !request.getResponseNonce().equals(sentNonce)) {
        return; // an answer to a response since replaced: the newer one is on its way
      }
      boolean namesChanged = !request.getResourceNamesList().equals(names);
      names = request.getResourceNamesList();
      if (answer && request.hasErrorDetail()) {
        nacks.increment();
        log.warn(
            "RateLimitConfig version {} refused by {}: {}",
            sentVersion,
            request.getNode().getId(),
            request.getErrorDetail().getMessage());
        return; // not sent again: the next change sends a new version
      }
      if (answer) {
        acks.increment();
        if (namesChanged && served != null) {
          send(); // the subscription changed with the ACK: what it asks for now
        }
        return;
      }
      subscribed = true;
      // A first request (or one after a reconnect) names the version the client holds.
      if (served == null) {
        return; // sent with the first state
      }
      if (!served.version().equals(request.getVersionInfo())) {
        send();
      } else {
        sentVersion = request.getVersionInfo();
      }
    }

    synchronized void push() {
      if (subscribed
          && !closed
          && served != null
          && !served.version().equals(sentVersion)
          && responses.isReady()) {
        send();
      }
    }

    private void send() {
      Served now = served;
      DiscoveryResponse.Builder response =
          DiscoveryResponse.newBuilder()
              .setVersionInfo(now.version())
              .setTypeUrl(RateLimitConfigSchema.TYPE_URL)
              .setNonce(Long.toString(nonces.incrementAndGet()));
      now.resources()
          .forEach(
              (name, resource) -> {
                if (names.isEmpty() || names.contains(name)) {
                  response.addResources(resource);
                }
              });
      sentVersion = now.version();
      sentNonce = response.getNonce();
      try {
        responses.onNext(response.build());
      } catch (RuntimeException e) {
        closed = true; // the stream is gone (cancelled)
        streams.remove(this);
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      closed = true;
      streams.remove(this);
    }

    @Override
    public synchronized void onCompleted() {
      closed = true;
      streams.remove(this);
      responses.onCompleted();
    }
  }
}
