package io.attache.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON lines name the request, and the trace and span, they were logged in. */
class JsonLineEncoderTest {
  private final Logger logger =
      ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getLogger("io.attache.test");

  private String encode(String message) {
    LoggingEvent event = new LoggingEvent("test", logger, Level.WARN, message, null, null);
    return new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void aLineLoggedInsideATracedRequestCarriesItsTraceAndSpanIds() {
    SpanContext context =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    try (Scope scope = Span.wrap(context).makeCurrent()) {
      assertThat(encode("counter store unavailable"))
          .contains("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"")
          .contains("\"span_id\":\"00f067aa0ba902b7\"");
    }
    assertThat(encode("outside any request")).doesNotContain("trace_id");
  }

  @Test
  void withJsonLinesALineLoggedWhileARequestIsDecidedCarriesItsRequestId() {
    RequestLogContext.jsonLines(true);
    try {
      try (RequestLogContext.Scope scope =
          RequestLogContext.requestId(java.util.Optional.of("f0c1d2e3-request"))) {
        assertThat(encode("deciding")).contains("\"request_id\":\"f0c1d2e3-request\"");
      }
      assertThat(encode("after the request")).doesNotContain("request_id");
    } finally {
      RequestLogContext.jsonLines(false);
    }
  }

  @Test
  void withTextLinesNothingIsPutInTheMdc() {
    try (RequestLogContext.Scope scope =
        RequestLogContext.requestId(java.util.Optional.of("f0c1d2e3-request"))) {
      assertThat(org.slf4j.MDC.get("request_id")).isNull();
    }
  }
}
