package io.attache.authz.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 requests written by hand, as Envoy's ext_authz HTTP client sends them: the JDK's client
 * refuses to set {@code Host}, which Envoy always sets to the original request's authority.
 */
public final class RawHttp {
  private RawHttp() {}

  /** A response: status, headers in order (lower-case names), body. */
  public record Response(int status, List<Map.Entry<String, String>> headers, String body) {
    public Optional<String> header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equals(name.toLowerCase(Locale.ROOT)))
          .map(Map.Entry::getValue)
          .findFirst();
    }
  }

  /** Sends one request on a new connection; {@code headers} are written in the order given. */
  public static Response send(int port, String method, String target, List<String> headers)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      headers.forEach(h -> request.append(h).append("\r\n"));
      request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      List<Map.Entry<String, String>> parsed = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        parsed.add(
            Map.entry(
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                lines[i].substring(colon + 1).trim()));
      }
      return new Response(status, parsed, text.substring(end + 4));
    }
  }
}
