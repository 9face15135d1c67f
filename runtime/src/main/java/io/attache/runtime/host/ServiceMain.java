package io.attache.runtime.host;

import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import java.util.function.Function;

/**
 * The {@code main} of every service: build from the environment, run until SIGTERM, exit 2 with a
 * one-line-per-problem message when the settings are unusable (never a stack trace for bad input).
 */
public final class ServiceMain {
  private ServiceMain() {}

  /**
   * Runs {@code app}; {@code service} names it in every JSON log line ({@code LOG_FORMAT=json}).
   */
  public static void run(String service, Function<Settings, ServiceHost> app) {
    System.setProperty(io.attache.runtime.logging.JsonLineEncoder.SERVICE_PROPERTY, service);
    ServiceHost host;
    try {
      host = app.apply(Settings.fromEnvironment());
    } catch (InvalidSettingsException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    host.closeOnShutdown();
    try {
      host.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
