package io.attache.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventCountersTest {
  @Test
  void readsTheSinksCountersFromAPrometheusScrape() {
    String scrape =
        """
        # HELP attache_events_published_total events Kafka acknowledged
        # TYPE attache_events_published_total counter
        attache_events_logged_total 1318231.0
        attache_events_published_total 1318214.0
        attache_events_dropped_total 0.0
        attache_events_rejected_total 3.0
        attache_events_corrupt_total 1.0
        attache_events_spool_bytes 4096.0
        attache_authz_check_seconds_count 99.0
        """;

    assertThat(EventCounters.parse(scrape))
        .contains(new EventCounters(1_318_231, 1_318_214, 0, 3, 1, 4096));
  }

  @Test
  void aServerWithoutAnEventSinkHasNone() {
    assertThat(EventCounters.parse("attache_authz_check_seconds_count 99.0\n")).isEmpty();
  }

  @Test
  void labelledSeriesAddUpAndATimestampAfterTheValueIsNotTheValue() {
    String scrape =
        """
        attache_events_published_total{component="ext-authz"} 5.0 1795000000000
        attache_events_published_total{component="ratelimit"} 7.0
        attache_events_spool_bytes 64.0
        """;

    assertThat(EventCounters.parse(scrape)).contains(new EventCounters(0, 12, 0, 0, 0, 64));
  }
}
