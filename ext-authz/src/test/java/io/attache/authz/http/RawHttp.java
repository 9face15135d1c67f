package io.attache.authz.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
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
      return parseHead(text.substring(0, end), text.substring(end + 4));
    }
  }

  private static Response parseHead(String head, String body) {
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<Map.Entry<String, String>> parsed = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      parsed.add(
          Map.entry(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim()));
    }
    return new Response(status, parsed, body);
  }

  /**
   * One connection for several requests, as Envoy's connection pool keeps them open; each answer is
   * read up to its Content-Length.
   */
  public static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public Connection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** Sends a request with {@code body} and its Content-Length, then reads one answer. */
    public Response send(String method, String target, List<String> headers, String body)
        throws IOException {
      StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      headers.forEach(h -> request.append(h).append("\r\n"));
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      request.append("Content-Length: ").append(content.length).append("\r\n\r\n");
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      return read(method.equals("HEAD"));
    }

    /** Whether the server closed the connection: the next read finds its end. */
    public boolean closedByServer() throws IOException {
      return in.read() == -1;
    }

    private Response read(boolean head) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (!endsWithBlankLine(bytes)) {
        int next = in.read();
        if (next < 0) {
          throw new IOException("connection closed before an answer");
        }
        bytes.write(next);
      }
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      Response headOnly = parseHead(text.substring(0, text.length() - 4), "");
      int length = head ? 0 : headOnly.header("content-length").map(Integer::parseInt).orElse(0);
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new Response(headOnly.status(), headOnly.headers(), body);
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream bytes) {
      byte[] read = bytes.toByteArray();
      int n = read.length;
      return n >= 4
          && read[n - 4] == '\r'
          && read[n - 3] == '\n'
          && read[n - 2] == '\r'
          && read[n - 1] == '\n';
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
