package io.attache.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** What a test asks of a client socket whose server may close it. */
public final class Sockets {
  private Sockets() {}

  /**
   * Whether the server ends the connection within {@code millis}: anything it sends first (an
   * answer) is read and dropped; an end of stream or a reset counts as closed.
   */
  public static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      while (socket.getInputStream().read() >= 0) {
        // read past any answer: the end is what counts
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Whether the connection is still open after waiting {@code millis} for anything from it. */
  public static boolean stillOpen(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return socket.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }
}
