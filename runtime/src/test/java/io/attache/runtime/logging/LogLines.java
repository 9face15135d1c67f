package io.attache.runtime.logging;

import io.attache.runtime.host.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A process that logs what services log: through slf4j at every level, with MDC fields, a message
 * that needs escaping and an exception, and through java.util.logging as gRPC and Netty do. Run as
 * a child JVM by {@link LoggingTest}.
 */
public final class LogLines {
  private LogLines() {}

  public static void main(String[] args) {
    System.setProperty(JsonLineEncoder.SERVICE_PROPERTY, "log-lines");
    Logger log = LoggerFactory.getLogger(LogLines.class);
    log.debug("a debug line");
    log.info("quotes \" and a newline\nin one message");
    MDC.put("request_id", "req-7");
    MDC.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    log.warn("with the request's ids");
    MDC.clear();
    log.error("a failure", new IllegalStateException("boom"));
    java.util.logging.Logger.getLogger("io.grpc.netty.Example").warning("from java.util.logging");
    java.util.logging.Logger.getLogger("io.grpc.netty.Example").fine("a fine line");
    LoggerFactory.getLogger("org.apache.kafka.clients.Example").info("kafka chatter");
    System.err.flush();
    if (ServiceMain.class.getName().isEmpty()) {
      throw new AssertionError(); // keeps the runtime on the classpath as a service's would be
    }
  }
}
