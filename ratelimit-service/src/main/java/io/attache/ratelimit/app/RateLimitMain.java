package io.attache.ratelimit.app;

import io.attache.runtime.host.ServiceMain;

/**
 * {@code java -jar ratelimit-service/target/ratelimit-service.jar}: runs ratelimit-service with
 * settings from the environment.
 */
public final class RateLimitMain {
  private RateLimitMain() {}

  public static void main(String[] args) {
    ServiceMain.run("ratelimit-service", RateLimitApp::start);
  }
}
