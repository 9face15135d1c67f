package io.attache.testsupport;

import io.attache.kafka.embedded.LoopbackPorts;

/** Finds TCP ports on the loopback interface that nothing listens on right now. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * One free port, below the ephemeral range ({@link LoopbackPorts}); the caller binds it soon,
   * since another process could take it meanwhile.
   */
  public static int next() {
    return LoopbackPorts.free();
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
