package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConfigChangeCountingTest {
  private static ConfigChange change(String kind, ConfigChange.Outcome outcome) {
    return new ConfigChange(
        "ext-authz",
        kind,
        Optional.of("shop"),
        "p",
        OptionalLong.of(1),
        outcome,
        "m",
        Optional.empty());
  }

  private static double count(SimpleMeterRegistry registry, String kind, String outcome) {
    var counter =
        registry.find("attache.config.changes").tag("kind", kind).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void changesReportedBeforeAndAfterTheRegistryIsBoundAreAllCounted() {
    ConfigChangeCounting sink = new ConfigChangeCounting(EventSink.discarding());
    sink.publish(change("AuthPolicy", ConfigChange.Outcome.REJECTED)); // the first load
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    sink.bind(registry);
    sink.publish(change("AuthPolicy", ConfigChange.Outcome.REJECTED));
    sink.publish(change("File", ConfigChange.Outcome.APPLIED));

    assertThat(count(registry, "AuthPolicy", "rejected")).isEqualTo(2);
    assertThat(count(registry, "File", "applied")).isEqualTo(1);
  }
}
