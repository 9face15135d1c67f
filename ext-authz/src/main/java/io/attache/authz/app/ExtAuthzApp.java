package io.attache.authz.app;

import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.grpc.AuthorizationGrpcService;
import io.attache.authz.http.HttpAuthServer;
import io.attache.authz.metrics.DecisionCacheCounters;
import io.attache.authz.metrics.DecisionCounters;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.authz.source.AuthPolicyResources;
import io.attache.authz.source.PolicyDirectorySource;
import io.attache.authz.tracing.TracedChecks;
import io.attache.events.EventSink;
import io.attache.runtime.EventSinks;
import io.attache.runtime.GrpcLimits;
import io.attache.runtime.HttpConnectionGuard;
import io.attache.runtime.HttpLimits;
import io.attache.runtime.PolicySourceKind;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import io.attache.runtime.logging.LogSetup;
import io.attache.runtime.tls.ServerTls;
import io.attache.runtime.tracing.Tracing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires ext-authz: Envoy external authorization over gRPC (Check v3), Emissary's plain-HTTP
 * AuthService mode, policies from a watched directory.
 *
 * <p>Settings: {@code HOST} (0.0.0.0), {@code GRPC_PORT} (9001), {@code HTTP_PORT} (9002, Emissary
 * {@code proto: http}), {@code ADMIN_PORT} (9003), {@code ATTACHE_POLICY_DIR} ({@code
 * /etc/attache/policies}), {@code ATTACHE_CONFIG_POLL_INTERVAL} (1s), {@code ATTACHE_AUTHZ_DEFAULT}
 * ({@code deny}: what to answer when no policy matches), {@code ATTACHE_HTTP_PATH_PREFIX}
 * (Emissary's {@code path_prefix}, stripped), {@code ATTACHE_KEY_FINGERPRINT_SECRET} (keys the
 * API-key fingerprints in audit events; random per process when unset, so fingerprints then differ
 * across restarts), and the event variables of {@link EventSinks}.
 */
public final class ExtAuthzApp {
  private static final Logger log = LoggerFactory.getLogger(ExtAuthzApp.class);

  /** {@code ATTACHE_AUTHZ_DEFAULT}. */
  enum DefaultDecision {
    DENY,
    ALLOW
  }

  private ExtAuthzApp() {}

  public static ServiceHost start(Settings settings) {
    return start(settings, Optional.empty());
  }

  /**
   * As above with a Kubernetes client for {@code AuthPolicy} resources and key Secrets; without
   * one, a client is built when {@code ATTACHE_POLICY_SOURCE=kubernetes} (the default inside a
   * cluster).
   */
  public static ServiceHost start(Settings settings, Optional<KubernetesClient> kubernetes) {
    String host = settings.string("HOST", "0.0.0.0");
    int grpcPort = settings.port("GRPC_PORT", 9001);
    int httpPort = settings.port("HTTP_PORT", 9002);
    int adminPort = settings.port("ADMIN_PORT", 9003);
    Path policyDir = Path.of(settings.string("ATTACHE_POLICY_DIR", "/etc/attache/policies"));
    Duration poll = settings.duration("ATTACHE_CONFIG_POLL_INTERVAL", Duration.ofSeconds(1));
    DefaultDecision defaultDecision =
        settings.choice("ATTACHE_AUTHZ_DEFAULT", DefaultDecision.DENY);
    String pathPrefix = settings.string("ATTACHE_HTTP_PATH_PREFIX", "");
    byte[] fingerprintSecret =
        settings
            .optional("ATTACHE_KEY_FINGERPRINT_SECRET")
            .map(s -> s.getBytes(StandardCharsets.UTF_8))
            .orElseGet(ExtAuthzApp::randomSecret);
    PolicySourceKind kind = PolicySourceKind.fromSettings(settings, kubernetes.isPresent());
    Optional<String> watchNamespace = settings.optional("WATCH_NAMESPACE");
    GrpcLimits grpcLimits = GrpcLimits.fromSettings(settings);
    HttpLimits adminLimits = HttpLimits.fromSettings(settings, "ADMIN", HttpLimits.ADMIN_DEFAULTS);
    HttpLimits httpLimits = HttpLimits.fromSettings(settings, "HTTP", HttpLimits.AUTH_DEFAULTS);
    Optional<ServerTls> tls = ServerTls.fromSettings(settings);
    Tracing tracing = Tracing.fromSettings(settings, "ext-authz");
    LogSetup.readSettings(settings);
    EventSink events = EventSinks.fromSettings(settings, "ext-authz"); // validates settings
    KubernetesClient client =
        kind == PolicySourceKind.KUBERNETES
            ? kubernetes.orElseGet(() -> new KubernetesClientBuilder().build())
            : null;
    SecretApiKeys secretKeys = client == null ? null : new SecretApiKeys(client, watchNamespace);

    JwtPolicyFactory jwt = new JwtPolicyFactory(Clock.systemUTC(), tracing.tracer());
    CredentialFiles keyFiles = new CredentialFiles(poll);
    BasicAuthMethods basicAuth =
        new BasicAuthMethods(keyFiles, client, watchNamespace, randomSecret());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SecretValues secretValues = new SecretValues(keyFiles, client, watchNamespace);
    IntrospectionMethods introspection = new IntrospectionMethods(secretValues, registry);
    OidcMethods oidc = new OidcMethods(secretValues, jwt);
    ServiceAccountMethods serviceAccounts =
        new ServiceAccountMethods(client, introspection.counters());
    PolicyParser parser =
        new PolicyParser(
            jwt,
            new CelConditions(),
            keyFiles,
            secretKeys == null ? PolicyParser.SecretKeys.NONE : secretKeys,
            new PolicyParser.Methods(basicAuth, introspection, serviceAccounts, oidc),
            fingerprintSecret);
    PolicyDirectorySource policies = new PolicyDirectorySource(policyDir, parser, events, poll);
    AuthPolicyResources resources =
        client == null
            ? null
            : new AuthPolicyResources(client, watchNamespace, parser, events).start();
    Supplier<List<AuthPolicy>> inForce = policies;
    if (resources != null) {
      // Files first, then resources in namespace/name order; only rebuilt when either changes.
      inForce = new CombinedPolicies(policies, resources);
    }
    AuthzService service =
        new AuthzService(
            new Authorizer(
                inForce,
                defaultDecision == DefaultDecision.ALLOW,
                new DecisionCacheCounters(registry)),
            events,
            new DecisionCounters(registry));
    AutoCloseable kubernetesResources =
        () -> {
          if (resources != null) {
            resources.close();
          }
          if (secretKeys != null) {
            secretKeys.close();
          }
          if (client != null && kubernetes.isEmpty()) {
            client.close();
          }
        };
    TracedChecks checks = new TracedChecks(service, tracing);
    HttpAuthServer http =
        HttpAuthServer.start(
            host,
            httpPort,
            pathPrefix,
            checks,
            tls.map(ServerTls::httpSslContext),
            new HttpConnectionGuard(httpLimits, registry, "http"));
    // Everything opened above is registered with onClose: a failed start closes it all.
    ServiceHost serviceHost =
        ServiceHost.builder("ext-authz")
            .grpcLimits(grpcLimits)
            .adminLimits(adminLimits)
            .tls(tls)
            .tracing(tracing)
            .host(host)
            .grpcPort(grpcPort)
            .adminPort(adminPort)
            .registry(registry)
            .events(events)
            .service(new AuthorizationGrpcService(checks, registry))
            .directExecutor() // decisions are computed from memory; keys are fetched off-path
            .ready(policies::loaded)
            .onClose(http)
            .onClose(policies)
            .onClose(jwt)
            .onClose(keyFiles)
            .onClose(basicAuth)
            .onClose(secretValues)
            .onClose(oidc)
            .onClose(serviceAccounts)
            .onClose(kubernetesResources)
            .start();
    log.info(
        "ext-authz: http auth port {}, policies from {}, default {}",
        http.port(),
        policyDir,
        defaultDecision.name().toLowerCase());
    return serviceHost;
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
