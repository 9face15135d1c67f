package io.attache.bench.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One inline Redis command over a raw socket, for tests that only have the {@code host:port} a
 * {@code redis} process wrote (test-support's client needs the {@code RedisServer} it started).
 */
final class RedisCommand {
  private RedisCommand() {}

  /** The first line of the reply, e.g. {@code "+PONG"}. */
  static String send(String hostAndPort, String inline) throws IOException {
    int colon = hostAndPort.lastIndexOf(':');
    try (Socket socket =
        new Socket(
            hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)))) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }
}
