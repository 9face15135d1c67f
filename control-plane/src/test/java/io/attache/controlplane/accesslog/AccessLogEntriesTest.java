package io.attache.controlplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.attache.events.AccessLog;
import io.attache.events.CloudEventEncoder;
import io.attache.events.EventIds;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values Envoy's types allow but no real request has: each still becomes an event its published
 * schema (docs/events/access-log.schema.json) accepts. Found by fuzzing (docs/fuzzing.md).
 */
class AccessLogEntriesTest {
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in =
        Files.newInputStream(Path.of("..", "docs", "events", "access-log.schema.json"))) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  private static AccessLog event(AccessLogCommon.Builder common, long requestBytes) {
    HTTPAccessLogEntry entry =
        HTTPAccessLogEntry.newBuilder()
            .setCommonProperties(common)
            .setRequest(HTTPRequestProperties.newBuilder().setRequestBodyBytes(requestBytes))
            .setResponse(HTTPResponseProperties.newBuilder().setResponseBodyBytes(-1L))
            .build();
    AccessLog event = AccessLogEntries.toEvent("ingress", Optional.empty(), entry);
    long now = 1_800_000_000_000L;
    String encoded =
        new String(
            new CloudEventEncoder("/attache/test/1").encode(event, EventIds.next(now), 1, now),
            StandardCharsets.UTF_8);
    assertThat(schema.validate(encoded, InputFormat.JSON)).as(encoded).isEmpty();
    return event;
  }

  @Test
  void aStartTimeOutsideProtobufsRangeIsLeftOut() {
    // google.protobuf.Timestamp: "from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z"
    for (long seconds : new long[] {253_402_300_800L, -62_135_596_801L, Long.MAX_VALUE}) {
      AccessLog event =
          event(
              AccessLogCommon.newBuilder().setStartTime(Timestamp.newBuilder().setSeconds(seconds)),
              0);
      assertThat(event.startTime()).as("%d", seconds).isEmpty();
    }
    assertThat(
            event(
                    AccessLogCommon.newBuilder()
                        .setStartTime(Timestamp.newBuilder().setSeconds(253_402_300_799L)),
                    0)
                .startTime())
        .contains("9999-12-31T23:59:59Z");
    assertThat(
            event(
                    AccessLogCommon.newBuilder()
                        .setStartTime(Timestamp.newBuilder().setSeconds(0).setNanos(-1)),
                    0)
                .startTime())
        .isEmpty();
  }

  @Test
  void aNegativeOrOverlongDurationIsLeftOut() {
    // google.protobuf.Duration: seconds within +-315,576,000,000; nanos share the sign.
    for (Duration duration :
        new Duration[] {
          Duration.newBuilder().setSeconds(-1).build(),
          Duration.newBuilder().setNanos(-5).build(),
          Duration.newBuilder().setSeconds(Long.MAX_VALUE).build(),
          Duration.newBuilder().setSeconds(315_576_000_001L).build()
        }) {
      assertThat(
              event(AccessLogCommon.newBuilder().setTimeToLastDownstreamTxByte(duration), 0)
                  .durationMicros())
          .as("%s", duration)
          .isEmpty();
    }
    assertThat(
            event(
                    AccessLogCommon.newBuilder()
                        .setTimeToLastDownstreamTxByte(
                            Duration.newBuilder().setSeconds(2).setNanos(1_500)),
                    0)
                .durationMicros())
        .isEqualTo(OptionalLong.of(2_000_001));
  }

  @Test
  void byteCountsPast2To63AreWrittenAsTheUnsignedNumbersEnvoySent() {
    AccessLog event = event(AccessLogCommon.newBuilder(), Long.MIN_VALUE);
    long now = 1_800_000_000_000L;
    String encoded =
        new String(
            new CloudEventEncoder("/attache/test/1").encode(event, EventIds.next(now), 1, now),
            StandardCharsets.UTF_8);

    assertThat(encoded)
        .contains("\"requestBytes\":9223372036854775808")
        .contains("\"responseBytes\":18446744073709551615");
  }
}
