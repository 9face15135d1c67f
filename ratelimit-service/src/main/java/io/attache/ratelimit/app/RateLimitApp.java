package io.attache.ratelimit.app;

import io.attache.events.EventSink;
import io.attache.ratelimit.config.ConfigDump;
import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.core.CounterStore;
import io.attache.ratelimit.core.FailureMode;
import io.attache.ratelimit.core.LimiterSettings;
import io.attache.ratelimit.core.OverLimitCache;
import io.attache.ratelimit.core.QuotaOverrides;
import io.attache.ratelimit.core.RateLimitService;
import io.attache.ratelimit.core.RateLimiter;
import io.attache.ratelimit.grpc.RateLimitGrpcService;
import io.attache.ratelimit.grpc.RequestIdInterceptor;
import io.attache.ratelimit.http.JsonEndpoint;
import io.attache.ratelimit.metrics.MicrometerLimitStats;
import io.attache.ratelimit.quota.KafkaQuotaSource;
import io.attache.ratelimit.source.ConfigFeed;
import io.attache.ratelimit.source.EffectiveConfig;
import io.attache.ratelimit.source.PolicySource;
import io.attache.ratelimit.source.RuntimeDirectorySource;
import io.attache.ratelimit.source.XdsConfigSettings;
import io.attache.ratelimit.source.XdsConfigSource;
import io.attache.ratelimit.store.CaffeineOverLimitCache;
import io.attache.ratelimit.store.CoalescingCounterStore;
import io.attache.ratelimit.store.MemoryCounterStore;
import io.attache.ratelimit.store.NettyEventLoops;
import io.attache.ratelimit.store.RedisCounterStore;
import io.attache.ratelimit.store.RedisSettings;
import io.attache.ratelimit.store.RedisTls;
import io.attache.ratelimit.store.TracedCounterStore;
import io.attache.runtime.AdminServer;
import io.attache.runtime.EventSinks;
import io.attache.runtime.GrpcLimits;
import io.attache.runtime.HttpLimits;
import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.PolicySourceKind;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.runtime.logging.LogSetup;
import io.attache.runtime.tls.ClientTlsFiles;
import io.attache.runtime.tls.ServerTls;
import io.attache.runtime.tls.TlsFileException;
import io.attache.runtime.tracing.Tracing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires ratelimit-service from the reference service's environment variables (README "Environment"
 * lists them, and those we do not support). Every collaborator is built here and passed in.
 */
public final class RateLimitApp {
  private static final Logger log = LoggerFactory.getLogger(RateLimitApp.class);

  /** Variables of the reference we recognise but do not implement; set, they are reported once. */
  private static final Map<String, String> UNSUPPORTED =
      Map.of(
          "REDIS_PERSECOND",
              "a separate per-second Redis is not supported; all counters use REDIS_URL",
          "USE_STATSD", "statistics are exported as Prometheus metrics on /metrics, not statsd",
          "RESPONSE_DYNAMIC_METADATA", "dynamic metadata in responses is not supported yet",
          "GRPC_UDS", "listening on a unix socket is not supported; use GRPC_HOST/GRPC_PORT");

  /** The backend kinds of {@code BACKEND_TYPE}. */
  enum Backend {
    REDIS,
    MEMORY
  }

  private RateLimitApp() {}

  /** The system clock in seconds: with it, token buckets in memory refill by the microsecond. */
  private static final LongSupplier SYSTEM_SECONDS = () -> System.currentTimeMillis() / 1000;

  public static ServiceHost start(Settings settings) {
    return start(settings, SYSTEM_SECONDS);
  }

  /** As {@link #start(Settings)} with a clock the caller controls (tests pin the window). */
  public static ServiceHost start(Settings settings, LongSupplier epochSeconds) {
    return start(settings, epochSeconds, Optional.empty());
  }

  /**
   * As above with a Kubernetes client for {@code RateLimitPolicy} resources; without one, a client
   * is built when {@code ATTACHE_POLICY_SOURCE=kubernetes} (the default inside a cluster).
   */
  public static ServiceHost start(
      Settings settings, LongSupplier epochSeconds, Optional<KubernetesClient> kubernetes) {
    String grpcHost = settings.string("GRPC_HOST", settings.string("HOST", "0.0.0.0"));
    int grpcPort = settings.port("GRPC_PORT", 8081);
    String host = settings.string("HOST", "0.0.0.0");
    int port = settings.port("PORT", 8080);
    String debugHost = settings.string("DEBUG_HOST", host);
    int debugPort = settings.port("DEBUG_PORT", 6070);
    Path configDirectory =
        Path.of(
            settings.string("RUNTIME_ROOT", "/srv/runtime_data/current"),
            settings.string("RUNTIME_SUBDIRECTORY", ""),
            settings.string("RUNTIME_APPDIRECTORY", "config"));
    boolean merge = settings.bool("MERGE_DOMAIN_CONFIG", false);
    Duration poll = settings.duration("ATTACHE_CONFIG_POLL_INTERVAL", Duration.ofSeconds(1));
    Backend backend = settings.choice("BACKEND_TYPE", Backend.REDIS);
    long expirationJitter = settings.number("EXPIRATION_JITTER_MAX_SECONDS", 300, 0, 86_400L * 365);
    LimiterSettings limiterSettings =
        new LimiterSettings(
            settings.string("CACHE_KEY_PREFIX", ""),
            settings.decimal("NEAR_LIMIT_RATIO", 0.8, 0, 1),
            // Jitter spreads the expiry of keys in a shared Redis. A counter in memory is dead once
            // its window ends (the window is in its key), and kept up to 300 s longer it only
            // filled the store (ATTACHE_MEMORY_MAX_KEYS) and made every lookup miss the cache more.
            backend == Backend.MEMORY ? 0 : expirationJitter,
            settings.bool("SHADOW_MODE", false),
            settings.bool("LIMIT_RESPONSE_HEADERS_ENABLED", false),
            settings.string("LIMIT_LIMIT_HEADER", "RateLimit-Limit"),
            settings.string("LIMIT_REMAINING_HEADER", "RateLimit-Remaining"),
            settings.string("LIMIT_RESET_HEADER", "RateLimit-Reset"),
            settings.bool("STOP_CACHE_KEY_INCREMENT_WHEN_OVERLIMIT", false));
    long localCacheBytes = settings.number("LOCAL_CACHE_SIZE_IN_BYTES", 0, 0, Long.MAX_VALUE);
    FailureMode failureMode = settings.choice("ATTACHE_STORE_FAILURE_MODE", FailureMode.ERROR);
    double okSampleRate = settings.decimal("ATTACHE_EVENTS_OK_SAMPLE_RATE", 0, 0, 1);
    boolean healthyNeedsConfig = settings.bool("HEALTHY_WITH_AT_LEAST_ONE_CONFIG_LOADED", false);
    int memoryMaxKeys =
        settings.integer("ATTACHE_MEMORY_MAX_KEYS", 1_000_000, 1, Integer.MAX_VALUE);
    RedisSettings redis = backend == Backend.REDIS ? redisSettings(settings) : null;
    Duration pipelineWindow = settings.duration("REDIS_PIPELINE_WINDOW", Duration.ZERO);
    PolicySourceKind policySource = PolicySourceKind.fromSettings(settings, kubernetes.isPresent());
    Optional<String> watchNamespace = settings.optional("WATCH_NAMESPACE");
    GrpcLimits grpcLimits = GrpcLimits.fromSettings(settings);
    HttpLimits adminLimits = HttpLimits.fromSettings(settings, "ADMIN", HttpLimits.ADMIN_DEFAULTS);
    Optional<ServerTls> tls = ServerTls.fromSettings(settings);
    Tracing tracing = Tracing.fromSettings(settings, "ratelimit-service");
    LogSetup.readSettings(settings);
    String configType = settings.string("CONFIG_TYPE", "FILE").toUpperCase(Locale.ROOT);
    Optional<XdsConfigSettings> xds =
        configType.equals("GRPC_XDS_SOTW")
            ? Optional.of(XdsConfigSettings.fromSettings(settings))
            : Optional.empty();
    if (!configType.equals("FILE") && xds.isEmpty()) {
      throw new InvalidSettingsException(
          List.of("CONFIG_TYPE=" + configType + ": FILE or GRPC_XDS_SOTW"));
    }
    Optional<String> quotasTopic = settings.optional("ATTACHE_QUOTAS_TOPIC");
    Optional<String> kafka = settings.optional("KAFKA_BOOTSTRAP_SERVERS");
    Map<String, Object> consumerOverrides = consumerOverrides(settings);
    EventSink events = EventSinks.fromSettings(settings, "ratelimit-service"); // validates settings
    if (quotasTopic.isPresent() && kafka.isEmpty()) {
      throw new InvalidSettingsException(
          List.of("ATTACHE_QUOTAS_TOPIC: quotas are read from Kafka; set KAFKA_BOOTSTRAP_SERVERS"));
    }
    reportUnsupported(settings);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerLimitStats stats = new MicrometerLimitStats(registry);
    EffectiveConfig effective = new EffectiveConfig();
    PolicySource[] policies = new PolicySource[1];
    java.util.function.Consumer<io.attache.ratelimit.config.RateLimitConfig> applied =
        files -> {
          effective.files(files);
          if (policies[0] != null) {
            policies[0].schedule(); // a file may now claim a policy's domain
          }
        };
    ConfigFeed source =
        xds.isPresent()
            ? new XdsConfigSource(xds.get(), new ConfigParser(merge), events, applied).start()
            : new RuntimeDirectorySource(
                configDirectory, new ConfigParser(merge), events, poll, applied);
    // The reference's config_load_success / config_load_error, by its Prometheus mapping's names.
    FunctionCounter.builder("ratelimit_service_config_load_success", source, s -> s.loadSuccesses())
        .description("configuration directory loads applied")
        .register(registry);
    FunctionCounter.builder("ratelimit_service_config_load_error", source, s -> s.loadErrors())
        .description("configuration directory loads rejected (the previous one stays)")
        .register(registry);
    KubernetesClient client = null;
    // With xDS the management server is the one source, as for the reference.
    if (policySource == PolicySourceKind.KUBERNETES && xds.isEmpty()) {
      client = kubernetes.orElseGet(() -> new KubernetesClientBuilder().build());
      policies[0] =
          new PolicySource(
                  client, watchNamespace, events, effective::fileDomains, effective::policies)
              .start();
    }
    CounterStore store;
    RedisCounterStore redisStore = null;
    // With Redis, the gRPC server and the Redis client share event loops, so a call is answered on
    // the loop that received it.
    NettyEventLoops loops = backend == Backend.REDIS ? NettyEventLoops.create() : null;
    if (backend == Backend.REDIS) {
      redisStore = new RedisCounterStore(redis, Optional.of(loops.group()), Optional.of(registry));
      store =
          pipelineWindow.isZero()
              ? redisStore
              : new CoalescingCounterStore(redisStore, pipelineWindow, loops.lanes());
      if (tracing.enabled()) {
        store = new TracedCounterStore(store, tracing.tracer());
      }
    } else {
      // A clock a test pins is followed in whole seconds; the system's by the microsecond.
      LongSupplier epochMicros =
          epochSeconds == SYSTEM_SECONDS
              ? () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())
              : () -> epochSeconds.getAsLong() * 1_000_000;
      store = new MemoryCounterStore(memoryMaxKeys, epochSeconds, epochMicros);
    }
    OverLimitCache nearCache =
        localCacheBytes > 0
            ? new CaffeineOverLimitCache(localCacheBytes, epochSeconds, Optional.of(registry))
            : OverLimitCache.NONE;
    KafkaQuotaSource quotas =
        quotasTopic
            .map(topic -> new KafkaQuotaSource(kafka.get(), topic, consumerOverrides, events))
            .orElse(null);
    Supplier<QuotaOverrides> quotasNow = quotas == null ? () -> QuotaOverrides.NONE : quotas::get;
    RateLimiter limiter =
        new RateLimiter(limiterSettings, store, nearCache, stats, epochSeconds, quotasNow);
    RateLimitService service =
        new RateLimitService(limiter, effective, failureMode, events, okSampleRate, stats);

    AtomicBoolean stopping = new AtomicBoolean();
    RedisCounterStore redisForHealth = redisStore;
    java.util.function.BooleanSupplier healthy =
        () ->
            !stopping.get()
                && (!healthyNeedsConfig
                    || (source.get() != null && !source.get().domains().isEmpty()))
                && (redisForHealth == null || redisForHealth.isConnected());
    Map<String, AdminServer.Handler> debugRoutes = new LinkedHashMap<>();
    debugRoutes.put(
        "/rlconfig",
        AdminServer.Handler.of(
            () -> AdminServer.Response.text(200, ConfigDump.text(effective.get()))));
    debugRoutes.put(
        "/stats", AdminServer.Handler.of(() -> AdminServer.Response.text(200, registry.scrape())));
    AdminServer debug;
    try {
      debug = AdminServer.start(debugHost, debugPort, adminLimits, registry, "debug", debugRoutes);
    } catch (RuntimeException e) { // the debug port taken: close what is already running
      source.close();
      closePolicies(policies[0], kubernetes.isEmpty() ? client : null);
      store.close();
      closeLoops(loops);
      if (quotas != null) {
        quotas.close();
      }
      throw e;
    }

    KubernetesClient clientToClose = client;
    ServiceHost.Builder builder;
    try {
      builder =
          ServiceHost.builder("ratelimit-service")
              .grpcLimits(grpcLimits)
              .adminLimits(adminLimits)
              .tls(tls)
              .tracing(tracing)
              .host(grpcHost)
              .grpcPort(grpcPort)
              .adminPort(port)
              .registry(registry)
              .events(events)
              .service(new RateLimitGrpcService(service, tracing, registry))
              .interceptor(new RequestIdInterceptor())
              .directExecutor(); // handlers never block: memory, or an async Redis client
      if (loops != null) {
        builder.eventLoops(loops.group(), loops.serverChannelType());
      }
      builder
          .ready(
              () ->
                  effective.get() != null
                      && healthy.getAsBoolean()
                      && (quotas == null || quotas.caughtUp()))
          .adminRoute(
              "/healthcheck",
              () ->
                  healthy.getAsBoolean()
                      ? AdminServer.Response.text(200, "OK")
                      : AdminServer.Response.text(500, "NOT OK"))
          .adminHandler("/json", new JsonEndpoint(service))
          .onClose(() -> stopping.set(true))
          .onClose(source)
          .onClose(() -> closePolicies(policies[0], kubernetes.isEmpty() ? clientToClose : null))
          .onClose(store)
          .onClose(() -> closeLoops(loops)) // after the server and the store that ran on them
          .onClose(debug);
      if (quotas != null) {
        builder.onClose(quotas.start());
        FunctionCounter.builder("attache_ratelimit_quota_records", quotas, q -> q.applied())
            .tag("outcome", "applied")
            .description("quota records applied from ATTACHE_QUOTAS_TOPIC")
            .register(registry);
        FunctionCounter.builder("attache_ratelimit_quota_records", quotas, q -> q.rejected())
            .tag("outcome", "rejected")
            .description("quota records refused (the last good quota stays)")
            .register(registry);
        FunctionCounter.builder("attache_ratelimit_quota_read_errors", quotas, q -> q.readErrors())
            .description("failures reading ATTACHE_QUOTAS_TOPIC, each retried a second later")
            .register(registry);
        Gauge.builder("attache_ratelimit_quotas", quotas, q -> q.get().size())
            .description("per-tenant quotas in force")
            .register(registry);
      }
    } catch (RuntimeException e) { // before anything was registered to close with the host
      debug.close();
      source.close();
      closePolicies(policies[0], kubernetes.isEmpty() ? clientToClose : null);
      store.close();
      closeLoops(loops);
      if (quotas != null) {
        quotas.close();
      }
      throw e;
    }
    // A failed start closes everything registered with onClose above.
    ServiceHost serviceHost = builder.start();
    log.info(
        "ratelimit-service: backend={} config={} debug={} failure-mode={}",
        backend.name().toLowerCase(),
        xds.map(x -> "xDS " + x.serverUrl()).orElse(configDirectory.toString()),
        debug.port(),
        failureMode.name().toLowerCase());
    return serviceHost;
  }

  /**
   * The quota consumer's properties: the events producer's {@code security.protocol}, {@code ssl.*}
   * and {@code sasl.*} ({@code KAFKA_PRODUCER_*}), so one set of credentials serves both, then
   * {@code KAFKA_CONSUMER_*} over them ({@code KAFKA_CONSUMER_SECURITY_PROTOCOL=SSL} becomes {@code
   * security.protocol}).
   */
  private static Map<String, Object> consumerOverrides(Settings settings) {
    Map<String, Object> overrides = new HashMap<>();
    EventSinks.producerOverrides(settings)
        .forEach(
            (name, value) -> {
              if (name.equals("security.protocol")
                  || name.startsWith("ssl.")
                  || name.startsWith("sasl.")) {
                overrides.put(name, value);
              }
            });
    settings
        .withPrefix("KAFKA_CONSUMER_")
        .forEach(
            (name, value) -> overrides.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    return overrides;
  }

  private static void closeLoops(NettyEventLoops loops) {
    if (loops != null) {
      loops.close();
    }
  }

  private static void closePolicies(PolicySource policies, KubernetesClient ownClient) {
    if (policies != null) {
      policies.close();
    }
    if (ownClient != null) {
      ownClient.close();
    }
  }

  private static RedisSettings redisSettings(Settings settings) {
    return new RedisSettings(
        settings.choice("REDIS_TYPE", RedisSettings.Type.SINGLE),
        settings.string("REDIS_URL", "/var/run/nutcracker/ratelimit.sock"),
        settings.choice("REDIS_SOCKET_TYPE", RedisSettings.SocketType.UNIX),
        settings.string("REDIS_AUTH", ""),
        redisTls(settings),
        settings.integer("REDIS_POOL_SIZE", 10, 1, 1024),
        settings.duration("REDIS_TIMEOUT", Duration.ofSeconds(10)));
  }

  /**
   * {@code REDIS_TLS} and its files, as the reference reads them; a file that cannot be used is a
   * settings problem naming its variable.
   */
  private static RedisTls redisTls(Settings settings) {
    boolean enabled = settings.bool("REDIS_TLS", false);
    Optional<Path> ca = settings.optional("REDIS_TLS_CACERT").map(Path::of);
    Optional<Path> certificate = settings.optional("REDIS_TLS_CLIENT_CERT").map(Path::of);
    Optional<Path> key = settings.optional("REDIS_TLS_CLIENT_KEY").map(Path::of);
    boolean skipHostname = settings.bool("REDIS_TLS_SKIP_HOSTNAME_VERIFICATION", false);
    if (!enabled) {
      return RedisTls.OFF;
    }
    try {
      if (ca.isPresent()) {
        ClientTlsFiles.trusting(ca.get());
      }
    } catch (TlsFileException e) {
      settings.reject("REDIS_TLS_CACERT", e.reason());
    }
    if (certificate.isPresent() != key.isPresent()) {
      settings.reject(
          certificate.isPresent() ? "REDIS_TLS_CLIENT_KEY" : "REDIS_TLS_CLIENT_CERT",
          "REDIS_TLS_CLIENT_CERT and REDIS_TLS_CLIENT_KEY go together");
      return RedisTls.OFF;
    }
    try {
      if (certificate.isPresent()) {
        ClientTlsFiles.presenting(certificate.get(), key.get());
      }
    } catch (TlsFileException e) {
      settings.reject(
          e.file().equals(key.get()) ? "REDIS_TLS_CLIENT_KEY" : "REDIS_TLS_CLIENT_CERT",
          e.reason());
    }
    return new RedisTls(true, ca, certificate, key, skipHostname);
  }

  private static void reportUnsupported(Settings settings) {
    for (Map.Entry<String, String> variable : UNSUPPORTED.entrySet()) {
      if (settings.optional(variable.getKey()).isPresent()
          && !List.of("false", "0").contains(settings.string(variable.getKey(), ""))) {
        log.warn("{} is set but not supported: {}", variable.getKey(), variable.getValue());
      }
    }
  }
}
