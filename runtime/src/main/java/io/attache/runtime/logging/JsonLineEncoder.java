package io.attache.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.attache.events.json.JsonWriter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One JSON object per log line, for log pipelines: {@code timestamp}, {@code level}, {@code
 * logger}, {@code thread}, {@code message}, {@code service}, and, when the thread's MDC holds them,
 * {@code trace_id}, {@code span_id} and {@code request_id} ({@code trace_id} and {@code span_id}
 * also from the traced request the line was logged in); {@code exception} with the stack trace.
 * Every character a message holds is escaped, so a line is always one parseable object. Messages
 * are the services' own: they never carry a token, key or cookie.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  /** The system property a service's {@code main} sets to its name. */
  public static final String SERVICE_PROPERTY = "attache.service";

  private static final String[] MDC_FIELDS = {"trace_id", "span_id", "request_id"};
  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    JsonWriter json =
        new JsonWriter(256)
            .beginObject()
            .field(
                "timestamp",
                DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(event.getTimeStamp())))
            .field("level", event.getLevel().toString())
            .field("logger", event.getLoggerName())
            .field("thread", event.getThreadName())
            .field("message", String.valueOf(event.getFormattedMessage()));
    String service = System.getProperty(SERVICE_PROPERTY);
    if (service != null) {
      json.field("service", service);
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (String name : MDC_FIELDS) {
      String value = mdc.get(name);
      if (value != null) {
        json.field(name, value);
      }
    }
    if (!mdc.containsKey("trace_id")) {
      writeCurrentSpan(json);
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      json.field("exception", ThrowableProxyUtil.asString(thrown));
    }
    json.endObject();
    byte[] object = json.toByteArray();
    byte[] line = java.util.Arrays.copyOf(object, object.length + 1);
    line[object.length] = '\n';
    return line;
  }

  /**
   * The span the logging thread is in, if any (a Check, a ShouldRateLimit): read when a line is
   * written rather than put in the MDC on every request, so requests that log nothing pay nothing.
   * The console appender encodes on the thread that logged, so this is the caller's span.
   */
  private static void writeCurrentSpan(JsonWriter json) {
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      json.field("trace_id", span.getTraceId()).field("span_id", span.getSpanId());
    }
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
