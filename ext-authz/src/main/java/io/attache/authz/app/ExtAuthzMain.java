package io.attache.authz.app;

import io.attache.runtime.host.ServiceMain;

/**
 * {@code java -jar ext-authz/target/ext-authz.jar}: runs ext-authz with settings from the
 * environment.
 */
public final class ExtAuthzMain {
  private ExtAuthzMain() {}

  public static void main(String[] args) {
    ServiceMain.run("ext-authz", ExtAuthzApp::start);
  }
}
