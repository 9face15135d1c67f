package io.attache.controlplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.attache.events.AccessLog;
import io.attache.events.CloudEventEncoder;
import io.attache.events.Event;
import io.attache.events.EventIds;
import io.attache.events.InMemoryEventSink;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Fuzz target for Envoy's Access Log Service stream: bytes that parse as a {@code
 * StreamAccessLogsMessage} go to the receiver, which turns every HTTP entry into an event (none is
 * dropped for failing to map; only TCP entries are passed over), and every event, encoded as it is
 * shipped, matches the published schema (docs/events/access-log.schema.json) with an RFC 3339 start
 * time and a path without its query.
 */
class AccessLogFuzzTest {
  private static final Schema SCHEMA = schema();
  private static final CloudEventEncoder ENCODER = new CloudEventEncoder("/attache/fuzz/1");
  private static final Pattern RFC3339_UTC =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z");

  @FuzzTest
  void everyHttpEntryBecomesAWellFormedEvent(byte[] bytes) {
    StreamAccessLogsMessage message;
    try {
      message = StreamAccessLogsMessage.parseFrom(bytes);
    } catch (InvalidProtocolBufferException notAMessage) {
      return;
    }
    InMemoryEventSink events = new InMemoryEventSink();
    AccessLogReceiver receiver = new AccessLogReceiver(events);
    receiver.streamAccessLogs(new Discard()).onNext(message);

    assertThat(receiver.ignored()).isEqualTo(message.getTcpLogs().getLogEntryCount());
    assertThat(events.events()).hasSize(message.getHttpLogs().getLogEntryCount());
    for (Event event : events.events()) {
      AccessLog entry = (AccessLog) event;
      entry.startTime().ifPresent(time -> assertThat(time).matches(RFC3339_UTC));
      entry.startTime().ifPresent(Instant::parse);
      assertThat(entry.path()).doesNotContain("?");
      long now = 1_800_000_000_000L;
      String encoded =
          new String(ENCODER.encode(event, EventIds.next(now), 1, now), StandardCharsets.UTF_8);
      assertThat(SCHEMA.validate(encoded, InputFormat.JSON)).as(encoded).isEmpty();
    }
  }

  private static Schema schema() {
    Path file = Path.of("..", "docs", "events", "access-log.schema.json");
    try (InputStream in = Files.newInputStream(file)) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Discard implements StreamObserver<StreamAccessLogsResponse> {
    @Override
    public void onNext(StreamAccessLogsResponse response) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
