package io.attache.controlplane.app;

import io.attache.runtime.host.ServiceMain;

/**
 * {@code java -jar control-plane/target/control-plane.jar}: runs control-plane with settings from
 * the environment.
 */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  public static void main(String[] args) {
    ServiceMain.run("control-plane", ControlPlaneApp::start);
  }
}
