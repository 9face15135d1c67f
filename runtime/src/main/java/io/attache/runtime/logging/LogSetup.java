package io.attache.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures Logback for every service, from the environment, before the first line is logged:
 * {@code LOG_LEVEL} ({@code trace|debug|info|warn|error}, default {@code info}) and {@code
 * LOG_FORMAT} ({@code text|json}, default {@code text}), the reference rate-limit service's names.
 * Found by Logback through {@code META-INF/services}, so it applies from the very first line, and
 * java.util.logging (gRPC's and Netty's) is bridged into it, so that with {@code json} every line
 * the process writes is one JSON object. Kafka's clients stay at {@code warn} unless the level is
 * stricter. A value it cannot read falls back to the default here; the services also read both
 * variables as settings, so a bad one stops them with a message naming it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  /**
   * Reads {@code LOG_LEVEL} and {@code LOG_FORMAT} as settings, so that a value Logback had to
   * ignore at start is also a settings problem that names the variable and stops the service.
   */
  public static void readSettings(io.attache.runtime.Settings settings) {
    settings.choice("LOG_LEVEL", LogLevel.INFO);
    settings.choice("LOG_FORMAT", LogFormat.TEXT);
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogLevel level = parse(LogLevel.class, System.getenv("LOG_LEVEL")).orElse(LogLevel.INFO);
    LogFormat format = parse(LogFormat.class, System.getenv("LOG_FORMAT")).orElse(LogFormat.TEXT);
    RequestLogContext.jsonLines(format == LogFormat.JSON);

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, format));
    console.start();

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.setLevel(level.level());
    root.addAppender(console);
    Level quiet = level.level().isGreaterOrEqual(Level.WARN) ? level.level() : Level.WARN;
    for (String chatty : new String[] {"org.apache.kafka", "kafka", "state.change.logger"}) {
      context.getLogger(chatty).setLevel(quiet);
    }

    // Only levels that are enabled reach the bridge: the propagator sets them in java.util.logging.
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    propagator.start();
    context.addListener(propagator);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    if (format == LogFormat.JSON) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} [%thread] %-5level %logger{0} - %msg%n");
    text.start();
    return text;
  }

  private static <E extends Enum<E>> Optional<E> parse(Class<E> type, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
