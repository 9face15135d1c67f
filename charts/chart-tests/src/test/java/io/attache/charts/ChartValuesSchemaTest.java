package io.attache.charts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Wrong values stop the install with a message naming the value. */
class ChartValuesSchemaTest {
  private static void assertRejected(String message, Object... keysAndValues) {
    assertThatThrownBy(() -> RenderedChart.template(keysAndValues).call())
        .hasMessageContaining(message);
  }

  @Test
  void replicasMustBeANumber() {
    assertRejected("at '/extAuthz/replicas': got string, want integer", "extAuthz.replicas", "two");
  }

  @Test
  void anUnknownKeyIsRejected() {
    assertRejected("additional properties 'replica' not allowed", "ratelimit.replica", 2);
  }

  @Test
  void aMisspeltTopLevelKeyIsRejected() {
    assertRejected("additional properties 'extauthz' not allowed", "extauthz.enabled", false);
  }

  @Test
  void theRbacScopeIsClusterOrNamespace() {
    assertRejected("at '/rbac/scope'", "rbac.scope", "cluster-wide");
  }

  @Test
  void portsAreInRange() {
    assertRejected("at '/controlPlane/grpcPort'", "controlPlane.grpcPort", 70000);
  }

  @Test
  void theMemoryBackendAllowsOneReplicaOnly() {
    assertRejected(
        "ratelimit.replicas is 2 but the memory backend counts per pod: set"
            + " ratelimit.redis.enabled=true",
        "ratelimit.replicas",
        2);
  }

  @Test
  void redisNeedsAnUrl() {
    assertRejected(
        "ratelimit.redis.enabled needs ratelimit.redis.url", "ratelimit.redis.enabled", true);
  }

  @Test
  void saslNeedsItsSecret() {
    assertRejected(
        "kafka.sasl.enabled needs kafka.sasl.existingSecret",
        "kafka.bootstrapServers",
        "kafka:9092",
        "kafka.sasl.enabled",
        true);
  }

  @Test
  void theAuthServiceNeedsExtAuthz() {
    assertRejected(
        "ambassador.authService.enabled needs extAuthz.enabled",
        "ambassador.authService.enabled",
        true,
        "extAuthz.enabled",
        false);
  }

  @Test
  void theAuthServiceProtoIsGrpcOrHttp() {
    assertRejected("at '/ambassador/authService/proto'", "ambassador.authService.proto", "tcp");
  }

  @Test
  void aDisruptionBudgetSwitchIsAutoTrueOrFalse() {
    assertRejected(
        "at '/controlPlane/podDisruptionBudget/enabled'",
        "controlPlane.podDisruptionBudget.enabled",
        "sometimes");
  }

  @Test
  void redisDurationsAreGoDurations() {
    assertRejected("at '/ratelimit/redis/timeout'", "ratelimit.redis.timeout", "fast");
  }
}
