package io.attache.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds TCP ports on the loopback interface that nothing listens on right now. */
public final class FreePorts {
  private FreePorts() {}

  /** One free port; the caller binds it soon, since another process could take it meanwhile. */
  public static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  /** {@code count} distinct free ports. */
  public static int[] next(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      int port;
      do {
        port = next();
      } while (contains(ports, i, port));
      ports[i] = port;
    }
    return ports;
  }

  private static boolean contains(int[] ports, int upTo, int port) {
    for (int i = 0; i < upTo; i++) {
      if (ports[i] == port) {
        return true;
      }
    }
    return false;
  }
}
