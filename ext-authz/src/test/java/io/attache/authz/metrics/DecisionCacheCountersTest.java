package io.attache.authz.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class DecisionCacheCountersTest {
  @Test
  void hitsAndMissesAreCountedPerPolicyAsPrometheusReadsThem() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionCacheCounters counters = new DecisionCacheCounters(registry);

    counters.miss("shop/orders");
    counters.hit("shop/orders");
    counters.hit("shop/orders");

    assertThat(registry.scrape())
        .contains("attache_authz_decision_cache_total{policy=\"shop/orders\",result=\"hit\"} 2.0")
        .contains("attache_authz_decision_cache_total{policy=\"shop/orders\",result=\"miss\"} 1.0");
  }
}
