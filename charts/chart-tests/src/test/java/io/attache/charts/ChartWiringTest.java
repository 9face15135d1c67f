package io.attache.charts;

import static io.attache.charts.RenderedChart.render;
import static io.attache.charts.RenderedChart.renderWithValues;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment each service reads: addresses of the others, Kafka, Redis, its own files. */
class ChartWiringTest {
  private static final List<String> COMPONENTS =
      List.of("ratelimit-service", "ext-authz", "control-plane");

  private static String secretRef(EnvVar variable) {
    SecretKeySelector ref = variable.getValueFrom().getSecretKeyRef();
    return ref.getName() + "/" + ref.getKey();
  }

  @Test
  void theControlPlaneSendsEnvoyToThisReleasesServices() {
    RenderedChart chart = render();

    assertThat(chart.envValue("control-plane", "ATTACHE_EXT_AUTHZ_ADDRESS"))
        .isEqualTo("rel-ext-authz.shop.svc.cluster.local:9001");
    assertThat(chart.envValue("control-plane", "ATTACHE_RATELIMIT_ADDRESS"))
        .isEqualTo("rel-ratelimit-service.shop.svc.cluster.local:8081");
  }

  @Test
  void proxylessGatewayHostsAreOffUnlessAsked() {
    assertThat(render().envValue("control-plane", "ATTACHE_PROXYLESS_HOSTS")).isEqualTo("false");
    assertThat(
            render("controlPlane.proxylessHosts", true)
                .envValue("control-plane", "ATTACHE_PROXYLESS_HOSTS"))
        .isEqualTo("true");
  }

  @Test
  void addressesFollowPortsAndTheClusterDomain() {
    RenderedChart chart = render("clusterDomain", "corp.internal", "extAuthz.grpcPort", 7001);

    assertThat(chart.envValue("control-plane", "ATTACHE_EXT_AUTHZ_ADDRESS"))
        .isEqualTo("rel-ext-authz.shop.svc.corp.internal:7001");
  }

  @Test
  void aServiceSwitchedOffIsNotAnAddressUnlessOneIsGiven() {
    assertThat(render("ratelimit.enabled", false).env("control-plane"))
        .doesNotContainKey("ATTACHE_RATELIMIT_ADDRESS")
        .containsKey("ATTACHE_EXT_AUTHZ_ADDRESS");
    assertThat(
            render("ratelimit.enabled", false, "controlPlane.rateLimitAddress", "rls.edge:8081")
                .envValue("control-plane", "ATTACHE_RATELIMIT_ADDRESS"))
        .isEqualTo("rls.edge:8081");
  }

  @Test
  void theControlPlaneKnowsItsNamespaceFromTheDownwardApiAndItsGatewayClass() {
    RenderedChart chart = render("controlPlane.gatewayClass.name", "edge");

    assertThat(
            chart
                .env("control-plane")
                .get("POD_NAMESPACE")
                .getValueFrom()
                .getFieldRef()
                .getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(chart.envValue("control-plane", "GATEWAY_CLASS_NAME")).isEqualTo("edge");
  }

  @Test
  void withoutKafkaNoServiceIsGivenBootstrapServers() {
    RenderedChart chart = render();

    for (String component : COMPONENTS) {
      assertThat(chart.env(component)).as(component).doesNotContainKey("KAFKA_BOOTSTRAP_SERVERS");
      assertThat(chart.envValue(component, "ATTACHE_TOPIC_PREFIX")).isEqualTo("attache.");
    }
  }

  @Test
  void kafkaSettingsReachEveryService() {
    RenderedChart chart =
        renderWithValues(
            "kafka: {bootstrapServers: 'kafka-0:9092,kafka-1:9092', topicPrefix: edge.}");

    for (String component : COMPONENTS) {
      assertThat(chart.envValue(component, "KAFKA_BOOTSTRAP_SERVERS"))
          .as(component)
          .isEqualTo("kafka-0:9092,kafka-1:9092");
      assertThat(chart.envValue(component, "ATTACHE_TOPIC_PREFIX")).isEqualTo("edge.");
      assertThat(chart.env(component)).doesNotContainKey("KAFKA_PRODUCER_SECURITY_PROTOCOL");
    }
  }

  /** Quotas from Kafka (issue #25): the topic reaches ratelimit-service, and needs Kafka. */
  @Test
  void aQuotasTopicReachesTheRateLimitServiceAndNeedsKafka() {
    RenderedChart chart =
        render(
            "kafka.bootstrapServers",
            "kafka:9092",
            "ratelimit.quotasTopic",
            "attache.control.limits");

    assertThat(chart.envValue("ratelimit-service", "ATTACHE_QUOTAS_TOPIC"))
        .isEqualTo("attache.control.limits");
    assertThat(render().env("ratelimit-service")).doesNotContainKey("ATTACHE_QUOTAS_TOPIC");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RenderedChart.template("ratelimit.quotasTopic", "limits").call())
        .hasMessageContaining("ratelimit.quotasTopic needs kafka.bootstrapServers");
  }

  @Test
  void kafkaTlsTrustsTheCaAndPresentsTheClientCertificateFromSecrets() {
    RenderedChart chart =
        render(
            "kafka.bootstrapServers", "kafka:9093",
            "kafka.tls.enabled", true,
            "kafka.tls.caSecret.name", "kafka-ca",
            "kafka.tls.clientSecret.name", "attache-kafka-user");
    Map<String, EnvVar> env = chart.env("ext-authz");

    assertThat(chart.envValue("ext-authz", "KAFKA_PRODUCER_SECURITY_PROTOCOL")).isEqualTo("SSL");
    assertThat(chart.envValue("ext-authz", "KAFKA_PRODUCER_SSL_TRUSTSTORE_TYPE")).isEqualTo("PEM");
    assertThat(secretRef(env.get("KAFKA_PRODUCER_SSL_TRUSTSTORE_CERTIFICATES")))
        .isEqualTo("kafka-ca/ca.crt");
    assertThat(chart.envValue("ext-authz", "KAFKA_PRODUCER_SSL_KEYSTORE_TYPE")).isEqualTo("PEM");
    assertThat(secretRef(env.get("KAFKA_PRODUCER_SSL_KEYSTORE_CERTIFICATE_CHAIN")))
        .isEqualTo("attache-kafka-user/tls.crt");
    assertThat(secretRef(env.get("KAFKA_PRODUCER_SSL_KEYSTORE_KEY")))
        .isEqualTo("attache-kafka-user/tls.key");
  }

  @Test
  void kafkaSaslBuildsTheJaasConfigFromSecretCredentials() {
    RenderedChart chart =
        render(
            "kafka.bootstrapServers",
            "kafka:9094",
            "kafka.tls.enabled",
            true,
            "kafka.sasl.enabled",
            true,
            "kafka.sasl.existingSecret",
            "kafka-creds");
    Map<String, EnvVar> env = chart.env("control-plane");

    assertThat(chart.envValue("control-plane", "KAFKA_PRODUCER_SECURITY_PROTOCOL"))
        .isEqualTo("SASL_SSL");
    assertThat(chart.envValue("control-plane", "KAFKA_PRODUCER_SASL_MECHANISM"))
        .isEqualTo("SCRAM-SHA-512");
    assertThat(secretRef(env.get("ATTACHE_KAFKA_SASL_USERNAME"))).isEqualTo("kafka-creds/username");
    assertThat(secretRef(env.get("ATTACHE_KAFKA_SASL_PASSWORD"))).isEqualTo("kafka-creds/password");
    assertThat(chart.envValue("control-plane", "KAFKA_PRODUCER_SASL_JAAS_CONFIG"))
        .isEqualTo(
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"$(ATTACHE_KAFKA_SASL_USERNAME)\""
                + " password=\"$(ATTACHE_KAFKA_SASL_PASSWORD)\";");
  }

  @Test
  void kafkaSaslCredentialsAreDefinedBeforeTheJaasConfigThatExpandsThem() {
    List<String> names =
        List.copyOf(
            render(
                    "kafka.bootstrapServers", "kafka:9094",
                    "kafka.sasl.enabled", true,
                    "kafka.sasl.existingSecret", "kafka-creds")
                .env("ratelimit-service")
                .keySet());

    assertThat(names.indexOf("ATTACHE_KAFKA_SASL_PASSWORD"))
        .isLessThan(names.indexOf("KAFKA_PRODUCER_SASL_JAAS_CONFIG"));
  }

  @Test
  void kafkaSaslPlainOverPlaintextUsesThePlainLoginModule() {
    RenderedChart chart =
        render(
            "kafka.bootstrapServers", "kafka:9092",
            "kafka.sasl.enabled", true,
            "kafka.sasl.mechanism", "PLAIN",
            "kafka.sasl.existingSecret", "kafka-creds");

    assertThat(chart.envValue("ext-authz", "KAFKA_PRODUCER_SECURITY_PROTOCOL"))
        .isEqualTo("SASL_PLAINTEXT");
    assertThat(chart.envValue("ext-authz", "KAFKA_PRODUCER_SASL_JAAS_CONFIG"))
        .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
  }

  @Test
  void aStrimziStyleSecretGivesTheWholeJaasConfig() {
    RenderedChart chart =
        render(
            "kafka.bootstrapServers", "kafka:9094",
            "kafka.sasl.enabled", true,
            "kafka.sasl.existingSecret", "attache-user",
            "kafka.sasl.jaasConfigKey", "sasl.jaas.config");
    Map<String, EnvVar> env = chart.env("ext-authz");

    assertThat(secretRef(env.get("KAFKA_PRODUCER_SASL_JAAS_CONFIG")))
        .isEqualTo("attache-user/sasl.jaas.config");
    assertThat(env)
        .doesNotContainKeys("ATTACHE_KAFKA_SASL_USERNAME", "ATTACHE_KAFKA_SASL_PASSWORD");
  }

  @Test
  void otherProducerPropertiesBecomeKafkaProducerVariables() {
    RenderedChart chart =
        renderWithValues(
            """
            kafka:
              bootstrapServers: kafka:9092
              producer: {compression.type: zstd, linger.ms: 20}
            """);

    assertThat(chart.envValue("ratelimit-service", "KAFKA_PRODUCER_COMPRESSION_TYPE"))
        .isEqualTo("zstd");
    assertThat(chart.envValue("ratelimit-service", "KAFKA_PRODUCER_LINGER_MS")).isEqualTo("20");
  }

  @Test
  void theRateLimitServiceCountsInMemoryByDefault() {
    RenderedChart chart = render();

    assertThat(chart.envValue("ratelimit-service", "BACKEND_TYPE")).isEqualTo("memory");
    assertThat(chart.env("ratelimit-service")).doesNotContainKeys("REDIS_URL", "REDIS_AUTH");
  }

  @Test
  void redisTakesItsPasswordFromASecret() {
    RenderedChart chart =
        render(
            "ratelimit.replicas", 3,
            "ratelimit.redis.enabled", true,
            "ratelimit.redis.url", "redis-master.cache:6379",
            "ratelimit.redis.timeout", "15ms",
            "ratelimit.redis.auth.existingSecret", "redis-auth");
    Map<String, EnvVar> env = chart.env("ratelimit-service");

    assertThat(chart.envValue("ratelimit-service", "BACKEND_TYPE")).isEqualTo("redis");
    assertThat(chart.envValue("ratelimit-service", "REDIS_SOCKET_TYPE")).isEqualTo("tcp");
    assertThat(chart.envValue("ratelimit-service", "REDIS_TYPE")).isEqualTo("single");
    assertThat(chart.envValue("ratelimit-service", "REDIS_URL"))
        .isEqualTo("redis-master.cache:6379");
    assertThat(chart.envValue("ratelimit-service", "REDIS_TIMEOUT")).isEqualTo("15ms");
    assertThat(secretRef(env.get("REDIS_AUTH"))).isEqualTo("redis-auth/password");
    assertThat(chart.deployment("ratelimit-service").getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void extAuthzSettingsComeFromValuesAndTheFingerprintKeyFromASecret() {
    RenderedChart chart =
        render(
            "extAuthz.defaultDecision", "allow",
            "extAuthz.httpPathPrefix", "/auth",
            "extAuthz.keyFingerprintSecret.name", "authz-keys");

    assertThat(chart.envValue("ext-authz", "ATTACHE_AUTHZ_DEFAULT")).isEqualTo("allow");
    assertThat(chart.envValue("ext-authz", "ATTACHE_HTTP_PATH_PREFIX")).isEqualTo("/auth");
    assertThat(secretRef(chart.env("ext-authz").get("ATTACHE_KEY_FINGERPRINT_SECRET")))
        .isEqualTo("authz-keys/fingerprint-key");
  }

  @Test
  void rateLimitFilesAndPolicyFilesAreMountedFromConfigMaps() {
    RenderedChart chart =
        renderWithValues(
            """
            ratelimit:
              configFiles:
                shop.yaml: |
                  domain: shop
                  descriptors: [{key: remote_address, rate_limit: {unit: minute, requests_per_unit: 60}}]
            extAuthz:
              policyFiles:
                open.yaml: |
                  kind: AuthPolicy
                  metadata: {name: open}
                  spec: {identity: [{anonymous: {}}], rules: [{name: all, when: "true"}]}
            """);

    assertThat(chart.get(ConfigMap.class, "rel-ratelimit-service").getData())
        .containsOnlyKeys("shop.yaml");
    assertThat(chart.get(ConfigMap.class, "rel-ext-authz").getData()).containsOnlyKeys("open.yaml");
    assertThat(chart.container("ratelimit-service").getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("config");
              assertThat(m.getMountPath())
                  .isEqualTo(chart.envValue("ratelimit-service", "RUNTIME_ROOT") + "/config");
            });
    assertThat(chart.container("ext-authz").getVolumeMounts())
        .anySatisfy(
            m ->
                assertThat(m.getMountPath())
                    .isEqualTo(chart.envValue("ext-authz", "ATTACHE_POLICY_DIR")));
    assertThat(chart.all(ConfigMap.class)).hasSize(2);
  }
}
