package io.attache.runtime.tracing;

import io.attache.runtime.Settings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry tracing for a service, configured by the standard {@code OTEL_*} variables through
 * the SDK's autoconfiguration ({@code OTEL_SERVICE_NAME}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_TRACES_SAMPLER} and {@code _ARG}, {@code
 * OTEL_RESOURCE_ATTRIBUTES}, ...).
 *
 * <p>Off unless asked for: tracing starts when {@code OTEL_TRACES_EXPORTER} names an exporter or an
 * OTLP endpoint is set, and {@code OTEL_SDK_DISABLED} is not {@code true}. Off, {@link #enabled()}
 * is false and callers skip even the header lookups, so an untraced request pays nothing. Metrics
 * and logs stay with Prometheus and Logback ({@code OTEL_METRICS_EXPORTER} and {@code
 * OTEL_LOGS_EXPORTER} default to {@code none} here).
 *
 * <p>Incoming context is read as W3C {@code traceparent} and as B3, single ({@code b3}) and
 * multiple ({@code x-b3-*}) headers, whichever Envoy's tracer sends, unless {@code
 * OTEL_PROPAGATORS} says otherwise (baggage is not read: nothing here uses it).
 */
public final class Tracing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tracing.class);
  private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), null, false);

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final boolean enabled;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, boolean enabled) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.enabled = enabled;
    this.tracer = openTelemetry.getTracer("io.attache");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** No tracing: every span is a no-op and {@link #enabled()} is false. */
  public static Tracing off() {
    return OFF;
  }

  /** Tracing as the {@code OTEL_*} variables ask, for {@code serviceName} unless they name one. */
  public static Tracing fromSettings(Settings settings, String serviceName) {
    Map<String, String> otel = settings.withPrefix("OTEL_");
    boolean disabled = "true".equalsIgnoreCase(otel.getOrDefault("SDK_DISABLED", "false"));
    boolean exporter =
        !otel.getOrDefault("TRACES_EXPORTER", "none").equalsIgnoreCase("none")
            || otel.containsKey("EXPORTER_OTLP_ENDPOINT")
            || otel.containsKey("EXPORTER_OTLP_TRACES_ENDPOINT");
    if (disabled || !exporter) {
      return OFF;
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.service.name", serviceName);
    properties.put("otel.traces.exporter", "otlp");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.propagators", "tracecontext,b3,b3multi");
    otel.forEach(
        (name, value) ->
            properties.put("otel." + name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    try {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> properties)
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
      log.info(
          "tracing: exporting spans ({}) to {}",
          properties.getOrDefault("otel.exporter.otlp.protocol", "grpc"),
          properties.getOrDefault(
              "otel.exporter.otlp.traces.endpoint",
              properties.getOrDefault("otel.exporter.otlp.endpoint", "the default endpoint")));
      return new Tracing(sdk, sdk, true);
    } catch (RuntimeException e) {
      settings.reject("OTEL_*", "tracing cannot be configured: " + e.getMessage());
      return OFF;
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public Tracer tracer() {
    return tracer;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** The context a request's carrier (headers, gRPC metadata) continues; the root when none. */
  public <C> Context extract(C carrier, TextMapGetter<C> getter) {
    return propagator.extract(Context.root(), carrier, getter);
  }

  /**
   * The W3C {@code traceparent} of a span, for the CloudEvents distributed-tracing extension; empty
   * for a span that is not sampled: no trace of it exists to link to (and an unsampled check, the
   * common case at low sampling rates, builds no string).
   */
  public static Optional<String> traceparent(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid() || !context.isSampled()) {
      return Optional.empty();
    }
    return Optional.of(
        "00-"
            + context.getTraceId()
            + "-"
            + context.getSpanId()
            + "-"
            + context.getTraceFlags().asHex());
  }

  /** Exports what is buffered, then stops. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      sdk.close();
    }
  }
}
