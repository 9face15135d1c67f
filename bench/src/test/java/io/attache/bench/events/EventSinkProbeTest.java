package io.attache.bench.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.events.log.FsyncPolicy;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.KafkaBrokerExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A few thousand events through the probe, so `bench events` cannot rot. */
@ExtendWith(KafkaBrokerExtension.class)
class EventSinkProbeTest {

  @Test
  void reportsTheCpuTimeOfEveryThreadThatPublishes(EmbeddedKafkaBroker broker, @TempDir Path dir)
      throws Exception {
    // The first round may wait in the log while the topic is created; it must still end
    // acknowledged.
    EventSinkProbe.measure(
        broker.bootstrapServers(), dir.resolve("warm"), 500, 5_000, Map.of(), FsyncPolicy.INTERVAL);

    Map<String, Long> cpu =
        EventSinkProbe.measure(
            broker.bootstrapServers(),
            dir.resolve("run"),
            2_000,
            10_000,
            Map.of(),
            FsyncPolicy.INTERVAL);

    assertThat(cpu)
        .containsKeys(
            EventSinkProbe.REQUEST_THREAD,
            EventSinkProbe.SHIPPER,
            EventSinkProbe.NETWORK,
            "other (GC, JIT, timers)",
            "JIT compiling (elapsed)",
            "GC pauses (elapsed)");
    assertThat(cpu.get(EventSinkProbe.SHIPPER)).isPositive();
    assertThat(cpu.get(EventSinkProbe.REQUEST_THREAD)).isPositive();
  }
}
