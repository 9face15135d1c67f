package io.attache.runtime.host;

import io.attache.events.EventSink;
import io.attache.runtime.AdminServer;
import io.attache.runtime.BuildInfo;
import io.attache.runtime.ConnectionAge;
import io.attache.runtime.EventLoops;
import io.attache.runtime.EventSinks;
import io.attache.runtime.GrpcLimits;
import io.attache.runtime.HttpLimits;
import io.attache.runtime.tls.ServerTls;
import io.attache.runtime.tracing.GrpcTraceContext;
import io.attache.runtime.tracing.Tracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service: its gRPC services (plus the standard health and reflection services) on a Netty
 * server, the admin endpoints, and the event sink; and stops them in the right order: report
 * NOT_SERVING, stop taking calls, drain in-flight ones, then flush events.
 */
public final class ServiceHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);

  private final String name;
  private final Server grpc;
  private final AdminServer admin;
  private final HealthStatusManager health;
  private final EventSink events;
  private final Duration drain;
  private final List<AutoCloseable> closeables;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ServiceHost(
      String name,
      Server grpc,
      AdminServer admin,
      HealthStatusManager health,
      EventSink events,
      Duration drain,
      List<AutoCloseable> closeables) {
    this.name = name;
    this.closeables = List.copyOf(closeables);
    this.grpc = grpc;
    this.admin = admin;
    this.health = health;
    this.events = events;
    this.drain = drain;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Collects what a service runs; {@link #start()} binds the ports. */
  public static final class Builder {
    private final String name;
    private String host = "0.0.0.0";
    private int grpcPort;
    private int adminPort;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private BooleanSupplier ready = () -> true;
    private PrometheusMeterRegistry registry;
    private EventSink events = EventSink.discarding();
    private final Map<String, AdminServer.Handler> adminRoutes = new LinkedHashMap<>();
    private Duration drain = Duration.ofSeconds(10);
    private GrpcLimits grpcLimits = GrpcLimits.DEFAULTS;
    private HttpLimits adminLimits = HttpLimits.ADMIN_DEFAULTS;
    private Optional<ServerTls> tls = Optional.empty();
    private Tracing tracing = Tracing.off();
    private final List<io.grpc.ServerInterceptor> interceptors = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private boolean directExecutor;
    private EventLoopGroup eventLoops;
    private Class<? extends ServerChannel> channelType;

    private Builder(String name) {
      this.name = name;
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder grpcPort(int value) {
      grpcPort = value;
      return this;
    }

    public Builder adminPort(int value) {
      adminPort = value;
      return this;
    }

    public Builder service(BindableService service) {
      services.add(service.bindService());
      return this;
    }

    public Builder service(ServerServiceDefinition service) {
      services.add(service);
      return this;
    }

    /** When the service can answer: e.g. once its first configuration loaded. */
    public Builder ready(BooleanSupplier value) {
      ready = value;
      return this;
    }

    public Builder registry(PrometheusMeterRegistry value) {
      registry = value;
      return this;
    }

    public Builder events(EventSink value) {
      events = value;
      return this;
    }

    public Builder adminRoute(String path, Supplier<AdminServer.Response> answer) {
      adminRoutes.put(path, AdminServer.Handler.of(answer));
      return this;
    }

    public Builder adminHandler(String path, AdminServer.Handler handler) {
      adminRoutes.put(path, handler);
      return this;
    }

    public Builder interceptor(io.grpc.ServerInterceptor value) {
      interceptors.add(value);
      return this;
    }

    /**
     * Runs calls on the Netty event loops instead of a thread pool: for services whose handlers
     * never block (they answer from memory or hand off to an asynchronous client), saving a thread
     * hop per call.
     */
    public Builder directExecutor() {
      directExecutor = true;
      return this;
    }

    /**
     * Serves gRPC on these event loops (accepting and I/O) instead of grpc-java's shared ones, so a
     * client of a backend (Redis) that runs on the same loops can answer a call on the thread that
     * received it, without a hand-off between threads. The caller owns the group and shuts it down
     * after this host closes.
     */
    public Builder eventLoops(
        EventLoopGroup group, Class<? extends ServerChannel> serverChannelType) {
      eventLoops = group;
      channelType = serverChannelType;
      return this;
    }

    /**
     * Work to do on close after calls drain, before events flush (e.g. close a Redis client); also
     * done if {@link #start} fails.
     */
    public Builder onClose(AutoCloseable value) {
      closeables.add(value);
      return this;
    }

    /** What the gRPC port allows a client ({@link GrpcLimits#DEFAULTS} unless set). */
    public Builder grpcLimits(GrpcLimits value) {
      grpcLimits = value;
      return this;
    }

    /** How long a client's connection may live before it is told to go away (24h / 1h). */
    public Builder connectionAge(ConnectionAge value) {
      grpcLimits =
          new GrpcLimits(
              value,
              grpcLimits.maxInboundMessageBytes(),
              grpcLimits.maxConcurrentStreams(),
              grpcLimits.permitKeepAliveTime());
      return this;
    }

    /** What the admin port allows a client ({@link HttpLimits#ADMIN_DEFAULTS} unless set). */
    public Builder adminLimits(HttpLimits value) {
      adminLimits = value;
      return this;
    }

    /**
     * What operators alert on besides our own counters: heap and non-heap memory, GC pauses,
     * threads, classes, CPU, uptime and file descriptors, under Micrometer's standard names ({@code
     * jvm_memory_used_bytes}, {@code process_cpu_usage}, ...). The GC binder listens for
     * collections until closed.
     */
    private static JvmGcMetrics bindJvmMetrics(MeterRegistry registry) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      new FileDescriptorMetrics().bindTo(registry);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      return gc;
    }

    /**
     * Serves gRPC over TLS only ({@code GRPC_SERVER_USE_TLS}); the host starts the certificate
     * reloading and closes it.
     */
    public Builder tls(Optional<ServerTls> value) {
      tls = value;
      return this;
    }

    /**
     * With tracing on, every call of the host's services sees the trace context its caller sent
     * ({@link GrpcTraceContext#PARENT}); the host flushes and closes the exporter last.
     */
    public Builder tracing(Tracing value) {
      tracing = value;
      return this;
    }

    /**
     * Micrometer's gRPC server metrics, per service, method and status: {@code
     * grpc_server_requests_received_total}, {@code grpc_server_responses_sent_total} and {@code
     * grpc_server_processing_duration_seconds} (a histogram from 10 µs to 1 s, for p99 alerts),
     * with every status code's series made up front so a rate of errors is 0, not absent.
     */
    private static MetricCollectingServerInterceptor grpcMetrics(MeterRegistry registry) {
      return new MetricCollectingServerInterceptor(
          registry,
          counter -> counter,
          timer ->
              timer
                  .publishPercentileHistogram()
                  .minimumExpectedValue(Duration.ofNanos(10_000))
                  .maximumExpectedValue(Duration.ofSeconds(1)),
          io.grpc.Status.Code.OK,
          io.grpc.Status.Code.INVALID_ARGUMENT,
          io.grpc.Status.Code.UNKNOWN,
          io.grpc.Status.Code.INTERNAL,
          io.grpc.Status.Code.UNAVAILABLE,
          io.grpc.Status.Code.DEADLINE_EXCEEDED);
    }

    public Builder drain(Duration value) {
      drain = value;
      return this;
    }

    /**
     * Starts serving. If it cannot (a port taken, an admin server that fails), everything given to
     * {@link #onClose} is closed, in order, before the failure is thrown: a caller registers what
     * it opened and needs no rollback of its own.
     */
    public ServiceHost start() {
      try {
        return startServing();
      } catch (RuntimeException e) {
        for (AutoCloseable closeable : closeables) {
          try {
            closeable.close();
          } catch (Exception closing) {
            e.addSuppressed(closing);
          }
        }
        throw e;
      }
    }

    private ServiceHost startServing() {
      PrometheusMeterRegistry metrics =
          registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      AutoCloseable producerMetrics = EventSinks.bindAllMetrics(metrics, events);
      JvmGcMetrics gc = bindJvmMetrics(metrics);
      Gauge.builder("attache.build.info", () -> 1)
          .description("the version of this build, as a label; always 1")
          .tag("version", BuildInfo.version())
          .register(metrics);
      HealthStatusManager health = new HealthStatusManager();
      InetSocketAddress address = new InetSocketAddress(host, grpcPort);
      NettyServerBuilder server =
          (tls.isPresent()
                  ? NettyServerBuilder.forAddress(address, tls.get().grpcCredentials())
                  : NettyServerBuilder.forAddress(address))
              .addService(health.getHealthService())
              .addService(ProtoReflectionServiceV1.newInstance());
      List<io.grpc.ServerInterceptor> all = new ArrayList<>(interceptors);
      if (tracing.enabled()) {
        all.add(new GrpcTraceContext(tracing));
      }
      MetricCollectingServerInterceptor grpcMetrics = grpcMetrics(metrics);
      all.add(grpcMetrics); // added last: runs first, so it times the others too
      for (ServerServiceDefinition service : services) {
        grpcMetrics.preregisterService(service);
        server.addService(io.grpc.ServerInterceptors.intercept(service, all));
      }
      if (directExecutor) {
        server.directExecutor();
      }
      grpcLimits.applyTo(server);
      server.addStreamTracerFactory(new RefusedCalls(metrics));
      // Our own loops unless the caller brought theirs: grpc-java's shared ones are two per core.
      OwnedLoops ownLoops =
          eventLoops == null ? new OwnedLoops(EventLoops.newGroup(name + "-io")) : null;
      EventLoopGroup loops = ownLoops != null ? ownLoops.group() : eventLoops;
      server
          .bossEventLoopGroup(loops)
          .workerEventLoopGroup(loops)
          .channelType(ownLoops != null ? EventLoops.serverChannelType() : channelType);
      List<AutoCloseable> toClose = new ArrayList<>(closeables);
      toClose.add(gc);
      toClose.add(producerMetrics);
      if (ownLoops != null) {
        toClose.add(ownLoops);
      }
      Server grpc;
      try {
        grpc = server.build().start();
      } catch (IOException e) {
        if (ownLoops != null) {
          ownLoops.close();
        }
        throw new UncheckedIOException("cannot listen on gRPC port " + host + ":" + grpcPort, e);
      }
      AdminServer admin;
      try {
        admin =
            AdminServer.start(
                host, adminPort, adminLimits, () -> true, ready, metrics, adminRoutes);
      } catch (RuntimeException e) {
        grpc.shutdownNow();
        if (ownLoops != null) {
          ownLoops.close();
        }
        throw e;
      }
      tls.ifPresent(
          serverTls -> {
            serverTls.start(metrics);
            toClose.add(serverTls);
          });
      for (ServerServiceDefinition service : services) {
        health.setStatus(service.getServiceDescriptor().getName(), ServingStatus.SERVING);
      }
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      log.info(
          "{} started: grpc={}{} admin={} (/healthz /readyz /metrics{})",
          name,
          grpc.getPort(),
          tls.map(t -> t.mutual() ? " (mTLS)" : " (TLS)").orElse(""),
          admin.port(),
          adminRoutes.isEmpty() ? "" : " " + String.join(" ", adminRoutes.keySet()));
      toClose.add(tracing);
      return new ServiceHost(name, grpc, admin, health, events, drain, toClose);
    }
  }

  public int grpcPort() {
    return grpc.getPort();
  }

  public int adminPort() {
    return admin.port();
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /** Closes the host on SIGTERM / Ctrl-C. */
  public ServiceHost closeOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-shutdown"));
    return this;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("{} stopping: draining calls for up to {}", name, drain);
    health.enterTerminalState();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("{}: closing {} failed: {}", name, closeable, e.toString());
      }
    }
    events.close();
    admin.close();
    log.info("{} stopped; events {}", name, events.stats());
  }

  /** The host's own event loops, shut down once the server has terminated. */
  private record OwnedLoops(EventLoopGroup group) implements AutoCloseable {
    @Override
    public void close() {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
