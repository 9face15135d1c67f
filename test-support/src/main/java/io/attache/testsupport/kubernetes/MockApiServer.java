package io.attache.testsupport.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode (no kube-apiserver can run here), started and stopped by
 * the test rather than by {@code @EnableKubernetesMockClient}, for tests whose service watches the
 * server and writes status. fabric8 8.0.0's mock can deadlock its own event loop for 30 s when a
 * watch closes while it is sending an event ({@code WatchEventsListener.onClosed} waits, on the
 * event loop, for the executor whose {@code send} waits for the event loop), longer than its
 * shutdown's 10 s wait; the extension then fails a test whose assertions all passed. {@link #stop}
 * reports such a shutdown instead.
 *
 * <p>fabric8's mock is a {@code provided} dependency here: a module using this has it already.
 */
public final class MockApiServer {
  private final KubernetesMockServer server =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          new HashMap<>(),
          new KubernetesCrudDispatcher(),
          false);

  private MockApiServer() {}

  public static MockApiServer start() {
    MockApiServer api = new MockApiServer();
    api.server.init();
    return api;
  }

  /** A client of this server; the test closes it before {@link #stop}. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public void stop() {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.err.println("the mock API server did not stop in time (fabric8's deadlock): " + e);
    }
  }
}
