package io.attache.controlplane.app;

import io.attache.controlplane.accesslog.AccessLogReceiver;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.source.KubernetesResources;
import io.attache.controlplane.source.ResourceDirectory;
import io.attache.controlplane.source.ResourceError;
import io.attache.controlplane.translate.TranslatorOptions;
import io.attache.controlplane.translate.UpstreamTls;
import io.attache.controlplane.xds.XdsServer;
import io.attache.crds.v1alpha1.AuthPolicy;
import io.attache.crds.v1alpha1.RateLimitPolicy;
import io.attache.crds.v1alpha1.TrafficPolicy;
import io.attache.events.EventSink;
import io.attache.runtime.AdminServer;
import io.attache.runtime.EventSinks;
import io.attache.runtime.GrpcLimits;
import io.attache.runtime.HttpLimits;
import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.runtime.logging.LogSetup;
import io.attache.runtime.tls.ServerTls;
import io.attache.runtime.tracing.Tracing;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires control-plane: the xDS management server (ADS) fed from Kubernetes resources, and the
 * Access Log Service receiver (Envoy's HTTP access logs become {@code traffic.access} events).
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (18000), {@code ADMIN_PORT} (18001),
 * {@code ATTACHE_RESOURCE_SOURCE} ({@code kubernetes} inside a cluster, else {@code files}), for
 * files {@code ATTACHE_RESOURCES_DIR} (unset: serve an empty configuration) with Service and
 * EndpointSlice YAML and {@code ATTACHE_CONFIG_POLL_INTERVAL} (1s), for Kubernetes {@code
 * WATCH_NAMESPACE} (unset: all namespaces), {@code ATTACHE_GATEWAY_API} ({@code auto}: watch
 * Gateways, HTTPRoutes and TLS Secrets when the Gateway API CRDs are installed; {@code true};
 * {@code false}), {@code ATTACHE_WATCH_EMISSARY} (true: serve Emissary's Mappings and Hosts when
 * its CRDs are installed), {@code ATTACHE_WRITE_STATUS} (true: the replica holding the Lease {@code
 * attache-control-plane-status} in {@code POD_NAMESPACE}, else the watched namespace, else {@code
 * default}, writes HTTPRoute status), {@code GATEWAY_CLASS_NAME} ({@code attache}) for both
 * sources, {@code XDS_DEBOUNCE} (100ms) and {@code XDS_MAX_DELAY} (1s) between a change and its
 * push, and the event variables of {@link EventSinks}.
 *
 * <p>Every applied or rejected change of the resources is audited ({@code audit.config}) through
 * the event sink.
 *
 * <p>Admin: {@code /resource-errors} lists the errors of the last read of the resources (empty
 * while they are valid); {@code /config_dump} shows what each node group is served and its last
 * NACKs; {@code /metrics} counts ACKs and NACKs per type and group.
 */
public final class ControlPlaneApp {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneApp.class);

  private ControlPlaneApp() {}

  /** Where Services and EndpointSlices come from. */
  enum ResourceSource {
    FILES,
    KUBERNETES
  }

  /** A {@code host:port} setting, checked at start so a typo fails fast. */
  /**
   * {@code ATTACHE_ENVOY_TLS_CA} (and {@code _CERT}, {@code _KEY} for mutual TLS): files on Envoy's
   * filesystem with which Envoy reaches ext-authz and ratelimit-service when they serve TLS.
   */
  private static Optional<UpstreamTls> upstreamTls(Settings settings) {
    Optional<String> ca = settings.optional("ATTACHE_ENVOY_TLS_CA");
    Optional<String> certificate = settings.optional("ATTACHE_ENVOY_TLS_CERT");
    Optional<String> key = settings.optional("ATTACHE_ENVOY_TLS_KEY");
    if (certificate.isPresent() != key.isPresent()) {
      settings.reject(
          certificate.isPresent() ? "ATTACHE_ENVOY_TLS_KEY" : "ATTACHE_ENVOY_TLS_CERT",
          "ATTACHE_ENVOY_TLS_CERT and ATTACHE_ENVOY_TLS_KEY go together");
      return Optional.empty();
    }
    if (ca.isEmpty()) {
      if (certificate.isPresent()) {
        settings.reject("ATTACHE_ENVOY_TLS_CA", "required with ATTACHE_ENVOY_TLS_CERT");
      }
      return Optional.empty();
    }
    return Optional.of(new UpstreamTls(ca.get(), certificate, key));
  }

  private static String address(Settings settings, String name, String defaultValue) {
    String value = settings.string(name, defaultValue);
    int colon = value.lastIndexOf(':');
    boolean valid = colon > 0 && colon < value.length() - 1;
    if (valid) {
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        valid = port > 0 && port <= 65_535;
      } catch (NumberFormatException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw new InvalidSettingsException(
          List.of(name + ": must be host:port, was '" + value + "'"));
    }
    return value;
  }

  /** Whether to watch Gateway API resources. */
  enum GatewayApi {
    AUTO,
    TRUE,
    FALSE
  }

  /** Whether the cluster serves HTTPRoutes, i.e. the Gateway API CRDs are installed. */
  private static boolean gatewayApiInstalled(KubernetesClient client) {
    boolean installed = client.supports(HTTPRoute.class);
    if (!installed) {
      log.warn(
          "the Gateway API CRDs (gateway.networking.k8s.io/v1 HTTPRoute) are not installed;"
              + " Gateways and HTTPRoutes are not watched");
    }
    return installed;
  }

  /** Whether the cluster serves this custom resource, i.e. its CRD is installed. */
  private static boolean crdInstalled(
      KubernetesClient client, Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type) {
    boolean installed = client.supports(type);
    if (!installed) {
      log.warn(
          "the {} CRD (attache.io/v1alpha1) is not installed; not watched", type.getSimpleName());
    }
    return installed;
  }

  /** One line per error of the last read of the resources; empty when it was good. */
  private static AdminServer.Response errors(Supplier<List<ResourceError>> errors) {
    StringBuilder body = new StringBuilder();
    errors.get().forEach(error -> body.append(error).append('\n'));
    return AdminServer.Response.text(200, body.toString());
  }

  public static ServiceHost start(Settings settings) {
    return start(settings, Optional.empty());
  }

  /**
   * Starts the control plane; {@code kubernetes} is used (and not closed) when given, otherwise a
   * client is built when {@code ATTACHE_RESOURCE_SOURCE=kubernetes} (the default inside a cluster).
   */
  public static ServiceHost start(Settings settings, Optional<KubernetesClient> kubernetes) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 18000);
    int adminPort = settings.port("ADMIN_PORT", 18001);
    ResourceSource source =
        settings.choice(
            "ATTACHE_RESOURCE_SOURCE",
            kubernetes.isPresent() || settings.optional("KUBERNETES_SERVICE_HOST").isPresent()
                ? ResourceSource.KUBERNETES
                : ResourceSource.FILES);
    Optional<Path> resources = settings.optional("ATTACHE_RESOURCES_DIR").map(Path::of);
    Optional<String> watchNamespace = settings.optional("WATCH_NAMESPACE");
    Duration poll = settings.duration("ATTACHE_CONFIG_POLL_INTERVAL", Duration.ofSeconds(1));
    Duration debounce = settings.duration("XDS_DEBOUNCE", Duration.ofMillis(100));
    Duration maxDelay = settings.duration("XDS_MAX_DELAY", Duration.ofSeconds(1));
    String gatewayClass = settings.string("GATEWAY_CLASS_NAME", "attache");
    GatewayApi gatewayApi = settings.choice("ATTACHE_GATEWAY_API", GatewayApi.AUTO);
    boolean writeStatus = settings.bool("ATTACHE_WRITE_STATUS", true);
    boolean watchEmissary = settings.bool("ATTACHE_WATCH_EMISSARY", true);
    Optional<String> leaseNamespace =
        settings
            .optional("POD_NAMESPACE")
            .or(() -> watchNamespace)
            .or(() -> Optional.of("default"));
    GrpcLimits grpcLimits = GrpcLimits.fromSettings(settings);
    HttpLimits adminLimits = HttpLimits.fromSettings(settings, "ADMIN", HttpLimits.ADMIN_DEFAULTS);
    Optional<ServerTls> tls = ServerTls.fromSettings(settings);
    Tracing tracing = Tracing.fromSettings(settings, "control-plane");
    LogSetup.readSettings(settings);
    EventSink events = EventSinks.fromSettings(settings, "control-plane"); // validates settings

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TranslatorOptions translation =
        new TranslatorOptions(
                address(
                    settings,
                    "ATTACHE_EXT_AUTHZ_ADDRESS",
                    TranslatorOptions.LOCAL.extAuthzAddress()),
                address(
                    settings,
                    "ATTACHE_RATELIMIT_ADDRESS",
                    TranslatorOptions.LOCAL.rateLimitAddress()),
                upstreamTls(settings))
            .withProxylessHosts(settings.bool("ATTACHE_PROXYLESS_HOSTS", false));
    XdsServer xds =
        new XdsServer(debounce, maxDelay, registry, translation, tracing.tracer(), events);
    ServiceHost.Builder builder =
        ServiceHost.builder("control-plane")
            .grpcLimits(grpcLimits)
            .adminLimits(adminLimits)
            .tls(tls)
            .tracing(tracing)
            .host(host)
            .grpcPort(grpcPort)
            .adminPort(adminPort)
            .registry(registry)
            .events(events)
            .service(xds.aggregatedDiscoveryService())
            .service(new AccessLogReceiver(events))
            .adminHandler("/config_dump", xds.configDump())
            .ready(() -> xds.publisher().current().isPresent());
    AutoCloseable[] owned = new AutoCloseable[2];
    try {
      if (source == ResourceSource.KUBERNETES) {
        KubernetesClient client = kubernetes.orElseGet(() -> new KubernetesClientBuilder().build());
        if (kubernetes.isEmpty()) {
          owned[1] = client;
        }
        boolean watchGatewayApi =
            switch (gatewayApi) {
              case TRUE -> true;
              case FALSE -> false;
              case AUTO -> gatewayApiInstalled(client);
            };
        KubernetesResources objects =
            new KubernetesResources(
                client,
                new KubernetesResources.Options(
                    watchNamespace,
                    Duration.ofMillis(50),
                    watchGatewayApi,
                    gatewayClass,
                    writeStatus ? leaseNamespace : Optional.empty(),
                    crdInstalled(client, TrafficPolicy.class),
                    crdInstalled(client, AuthPolicy.class)
                        && crdInstalled(client, RateLimitPolicy.class),
                    watchEmissary && KubernetesResources.emissaryInstalled(client)),
                xds::publish,
                events);
        owned[0] = objects;
        builder.adminRoute("/resource-errors", () -> errors(objects::lastErrors));
      } else if (resources.isPresent()) {
        ResourceDirectory directory =
            new ResourceDirectory(resources.get(), poll, xds::publish, events, gatewayClass);
        owned[0] = directory;
        builder.adminRoute("/resource-errors", () -> errors(directory::lastErrors));
      } else {
        xds.publish(ClusterState.EMPTY);
      }
      for (AutoCloseable closeable : owned) {
        if (closeable != null) {
          builder.onClose(closeable);
        }
      }
      builder.onClose(xds);
    } catch (RuntimeException e) { // before anything was registered to close with the host
      for (AutoCloseable closeable : owned) {
        closeQuietly(closeable, e);
      }
      xds.close();
      throw e;
    }
    // A failed start closes everything registered with onClose above.
    return builder.start();
  }

  private static void closeQuietly(AutoCloseable closeable, RuntimeException failure) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
