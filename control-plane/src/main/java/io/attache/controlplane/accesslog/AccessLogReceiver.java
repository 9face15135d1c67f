package io.attache.controlplane.accesslog;

import io.attache.events.EventSink;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Access Log Service ({@code envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs}):
 * every HTTP entry Envoy streams becomes an {@code AccessLog} event. The identifier (node, log
 * name) comes on a stream's first message and holds for the rest of it. Never blocks the stream:
 * the sink's {@code publish} returns at once (a full sink counts what it drops). TCP entries are
 * counted and ignored.
 */
public final class AccessLogReceiver extends AccessLogServiceGrpc.AccessLogServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AccessLogReceiver.class);

  private final EventSink events;
  private final LongAdder received = new LongAdder();
  private final LongAdder ignored = new LongAdder();

  public AccessLogReceiver(EventSink events) {
    this.events = events;
  }

  @Override
  public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(
      StreamObserver<StreamAccessLogsResponse> responses) {
    return new StreamObserver<>() {
      private String logName = "";
      private Optional<String> node = Optional.empty();

      @Override
      public void onNext(StreamAccessLogsMessage message) {
        if (message.hasIdentifier()) {
          logName = message.getIdentifier().getLogName();
          String id = message.getIdentifier().getNode().getId();
          node = id.isEmpty() ? Optional.empty() : Optional.of(id);
        }
        if (message.hasHttpLogs()) {
          for (HTTPAccessLogEntry entry : message.getHttpLogs().getLogEntryList()) {
            received.increment();
            try {
              events.publish(AccessLogEntries.toEvent(logName, node, entry));
            } catch (RuntimeException e) {
              ignored.increment();
              log.warn(
                  "access log entry of {} dropped: {}", node.orElse("unknown node"), e.toString());
            }
          }
        } else if (message.hasTcpLogs()) {
          ignored.add(message.getTcpLogs().getLogEntryCount());
        }
      }

      @Override
      public void onError(Throwable t) {
        log.debug("access log stream of {} ended: {}", node.orElse("unknown node"), t.toString());
      }

      @Override
      public void onCompleted() {
        responses.onNext(StreamAccessLogsResponse.getDefaultInstance());
        responses.onCompleted();
      }
    };
  }

  /** HTTP entries received so far. */
  public long received() {
    return received.sum();
  }

  /** Entries not turned into events (TCP entries, unreadable entries). */
  public long ignored() {
    return ignored.sum();
  }
}
