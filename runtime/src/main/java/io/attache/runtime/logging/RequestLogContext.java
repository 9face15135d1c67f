package io.attache.runtime.logging;

import java.util.Optional;
import org.slf4j.MDC;

/**
 * Names the request a service is working on in the lines it logs meanwhile: {@code request_id} in
 * the MDC, which JSON lines carry. Only with {@code LOG_FORMAT=json}: text lines would not show it,
 * so a request then pays nothing.
 */
public final class RequestLogContext {
  /** Ends what {@link #requestId} began; never throws. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static final Scope NOTHING = () -> {};
  private static final Scope REMOVE = () -> MDC.remove("request_id");
  private static volatile boolean jsonLines;

  private RequestLogContext() {}

  /** Set by {@link LogSetup} when lines are JSON. */
  static void jsonLines(boolean value) {
    jsonLines = value;
  }

  /** Puts {@code request_id} in the MDC until the scope closes, when lines are JSON. */
  public static Scope requestId(Optional<String> requestId) {
    if (!jsonLines || requestId.isEmpty()) {
      return NOTHING;
    }
    MDC.put("request_id", requestId.get());
    return REMOVE;
  }
}
