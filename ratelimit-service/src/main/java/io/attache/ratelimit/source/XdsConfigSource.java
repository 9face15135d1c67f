package io.attache.ratelimit.source;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.ratelimit.config.ConfigError;
import io.attache.ratelimit.config.ConfigException;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import io.attache.runtime.DaemonThreads;
import io.attache.runtime.xds.RateLimitConfigSchema;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration from an xDS management server ({@code CONFIG_TYPE=GRPC_XDS_SOTW}), as the
 * reference service takes it: one state-of-the-world ADS stream for {@code
 * ratelimit.config.ratelimit.v3.RateLimitConfig}, every resource of a response loaded together (the
 * reference's loader, {@code MERGE_DOMAIN_CONFIG} included), then ACKed; a response that does not
 * load is NACKed with the parser's errors (file, field, reason) and the configuration in force
 * stays. A broken stream is opened again after a jittered exponential backoff ({@code
 * XDS_CLIENT_BACKOFF_*}), asking for the version it last accepted.
 */
public final class XdsConfigSource implements ConfigFeed {
  private static final Logger log = LoggerFactory.getLogger(XdsConfigSource.class);

  private final XdsConfigSettings settings;
  private final ManagedChannel channel;
  private final ConfigParser parser;
  private final EventSink events;
  private final Consumer<RateLimitConfig> listener;
  private final ScheduledExecutorService reconnects;
  private final AtomicReference<RateLimitConfig> current = new AtomicReference<>();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong loadErrors = new AtomicLong();
  private final Backoff backoff;
  private volatile String acceptedVersion = "";
  private volatile boolean closed;
  private StreamObserver<DiscoveryRequest> requests;

  public XdsConfigSource(
      XdsConfigSettings settings,
      ConfigParser parser,
      EventSink events,
      Consumer<RateLimitConfig> listener) {
    this.settings = settings;
    this.channel = settings.channel(); // first: it may fail (a TLS file), before any thread exists
    this.reconnects =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("attache-xds-config"));
    this.parser = parser;
    this.events = events;
    this.listener = listener;
    this.backoff = new Backoff(settings);
  }

  public XdsConfigSource start() {
    reconnects.execute(this::open);
    return this;
  }

  @Override
  public RateLimitConfig get() {
    return current.get();
  }

  public long loadSuccesses() {
    return loads.get();
  }

  public long loadErrors() {
    return loadErrors.get();
  }

  private synchronized void open() {
    if (closed) {
      return;
    }
    log.info(
        "xDS config: streaming {} from {}", RateLimitConfigSchema.TYPE_URL, settings.serverUrl());
    requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Responses());
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(node())
            .setTypeUrl(RateLimitConfigSchema.TYPE_URL)
            .setVersionInfo(acceptedVersion)
            .build());
  }

  private Node node() {
    Struct.Builder metadata = Struct.newBuilder();
    settings
        .nodeMetadata()
        .forEach((k, v) -> metadata.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return Node.newBuilder()
        .setId(settings.nodeId())
        .setUserAgentName("attache-ratelimit")
        .setMetadata(metadata)
        .build();
  }

  private final class Responses implements StreamObserver<DiscoveryResponse> {
    @Override
    public void onNext(DiscoveryResponse response) {
      backoff.reset();
      DiscoveryRequest.Builder answer =
          DiscoveryRequest.newBuilder()
              .setTypeUrl(RateLimitConfigSchema.TYPE_URL)
              .setResponseNonce(response.getNonce());
      Optional<String> problem = load(response);
      if (problem.isEmpty()) {
        acceptedVersion = response.getVersionInfo();
        answer.setVersionInfo(acceptedVersion);
      } else {
        answer
            .setVersionInfo(acceptedVersion)
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage(problem.get()));
      }
      synchronized (XdsConfigSource.this) {
        if (!closed) {
          requests.onNext(answer.build());
        }
      }
    }

    @Override
    public void onError(Throwable error) {
      reopen("failed: " + error.getMessage());
    }

    @Override
    public void onCompleted() {
      reopen("closed by the server");
    }
  }

  private synchronized void reopen(String why) {
    if (closed) {
      return;
    }
    long delay = backoff.next();
    log.warn(
        "xDS config: the stream to {} {}; opening it again in {} ms",
        settings.serverUrl(),
        why,
        delay);
    reconnects.schedule(this::open, delay, TimeUnit.MILLISECONDS);
  }

  /** Loads a response's resources together; empty when applied, else why it was refused. */
  private Optional<String> load(DiscoveryResponse response) {
    List<ConfigParser.Source> sources = new ArrayList<>();
    for (Any resource : response.getResourcesList()) {
      if (!resource.getTypeUrl().equals(RateLimitConfigSchema.TYPE_URL)) {
        return refuse(
            response,
            "resource of type "
                + resource.getTypeUrl()
                + ", expected "
                + RateLimitConfigSchema.TYPE_URL);
      }
      Message config;
      try {
        config = XdsConfigYaml.parse(resource.getValue());
      } catch (InvalidProtocolBufferException e) {
        return refuse(response, "a resource is not a RateLimitConfig: " + e.getMessage());
      }
      String name = (String) config.getField(RateLimitConfigSchema.CONFIG.findFieldByName("name"));
      sources.add(new ConfigParser.Source("xds:" + name, XdsConfigYaml.yaml(config)));
    }
    try {
      RateLimitConfig config = parser.load(sources);
      current.set(config);
      listener.accept(config);
      loads.incrementAndGet();
      log.info(
          "xDS config: version {} applied, domains {}",
          response.getVersionInfo(),
          config.domains().keySet());
      events.publish(
          change(
              ConfigChange.Outcome.APPLIED,
              "loaded domains " + config.domains().keySet(),
              response.getVersionInfo()));
      return Optional.empty();
    } catch (ConfigException e) {
      List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
      return refuse(response, String.join("; ", errors));
    } catch (RuntimeException e) {
      // Never leave a response unanswered: the server would wait for an ACK or NACK forever.
      log.error("xDS config: version {} could not be loaded", response.getVersionInfo(), e);
      return refuse(response, "could not be loaded: " + e);
    }
  }

  private Optional<String> refuse(DiscoveryResponse response, String why) {
    loadErrors.incrementAndGet();
    log.error(
        "xDS config: version {} refused (NACK), keeping the one in force: {}",
        response.getVersionInfo(),
        why);
    events.publish(change(ConfigChange.Outcome.REJECTED, why, response.getVersionInfo()));
    return Optional.of(why);
  }

  private ConfigChange change(ConfigChange.Outcome outcome, String message, String version) {
    return new ConfigChange(
        "ratelimit-service",
        "RateLimitConfig",
        Optional.empty(),
        settings.serverUrl(),
        OptionalLong.empty(),
        outcome,
        message,
        Optional.of(version));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (requests != null) {
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // the stream is already gone
      }
    }
    reconnects.shutdownNow();
    channel.shutdownNow();
  }

  /** The reference's backoff: doubling from the initial interval to the maximum, jittered. */
  private static final class Backoff {
    private final long initial;
    private final long max;
    private final double randomFactor;
    private final boolean jitter;
    private long attempt;

    Backoff(XdsConfigSettings settings) {
      this.initial = settings.backoffInitial().toMillis();
      this.max = settings.backoffMax().toMillis();
      this.randomFactor = settings.backoffRandomFactor();
      this.jitter = settings.backoffJitter();
    }

    synchronized long next() {
      double delay = Math.min(max, initial * Math.pow(2, Math.min(attempt++, 30)));
      if (jitter) {
        delay = delay * (1 - randomFactor) + delay * randomFactor * Math.random() * 2;
      }
      return (long) Math.min(max, Math.max(1, delay));
    }

    synchronized void reset() {
      attempt = 0;
    }
  }
}
