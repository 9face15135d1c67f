package io.attache.testsupport.redis;

import io.attache.testsupport.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence. The binary
 * comes from the machine ({@code .ci/run} installs Debian's redis-server); {@code REDIS_SERVER_BIN}
 * may name another one.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Process process;
  private final Path unixSocket;
  private int tlsPort;

  private RedisServer(int port, Process process, Path unixSocket) {
    this.port = port;
    this.process = process;
    this.unixSocket = unixSocket;
  }

  /** Starts a server and waits until it answers PING. */
  public static RedisServer start() {
    return start(List.of());
  }

  /** As {@link #start()}, with more {@code redis-server} arguments (e.g. cluster mode). */
  public static RedisServer start(List<String> extraArguments) {
    String binary = binary();
    int port = FreePorts.next();
    try {
      Path log = Files.createTempFile("attache-redis-", ".log");
      Path socket = Files.createTempDirectory("attache-redis-").resolve("redis.sock");
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  binary,
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--unixsocket",
                  socket.toString(),
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--daemonize",
                  "no"));
      command.addAll(extraArguments);
      Process process =
          new ProcessBuilder(command)
              .directory(socket.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      RedisServer server = new RedisServer(port, process, socket);
      server.awaitPong(Duration.ofSeconds(10), log);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + binary, e);
    }
  }

  /**
   * As {@link #start()}, also listening for TLS on {@link #tlsPort()} with this certificate and
   * key; with {@code requireClientCertificates}, a TLS client must present one issued by {@code ca}
   * ({@code tls-auth-clients yes}). The plaintext port stays, for the tests' own commands.
   */
  public static RedisServer startWithTls(
      Path certificate, Path key, Path ca, boolean requireClientCertificates) {
    int tlsPort = FreePorts.next();
    RedisServer server =
        start(
            List.of(
                "--tls-port",
                String.valueOf(tlsPort),
                "--tls-cert-file",
                certificate.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-ca-cert-file",
                ca.toString(),
                "--tls-auth-clients",
                requireClientCertificates ? "yes" : "no"));
    server.tlsPort = tlsPort;
    return server;
  }

  /** The TLS port of a server from {@link #startWithTls}. */
  public int tlsPort() {
    if (tlsPort == 0) {
      throw new IllegalStateException("this redis-server was started without TLS");
    }
    return tlsPort;
  }

  /** True when a redis-server binary can be found. */
  public static boolean available() {
    return Files.isExecutable(Path.of(binary()));
  }

  private static String binary() {
    String configured = System.getenv("REDIS_SERVER_BIN");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "redis-server";
  }

  public int port() {
    return port;
  }

  /** The server's unix-domain socket, the reference service's default way to reach Redis. */
  public Path unixSocket() {
    return unixSocket;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** A {@code redis://} URL for clients that take one. */
  public String url() {
    return "redis://" + host() + ":" + port;
  }

  /** {@code host:port}, the form of the reference rate-limit service's {@code REDIS_URL}. */
  public String hostAndPort() {
    return host() + ":" + port;
  }

  /** Sends one inline command and returns the first line of the reply, e.g. {@code "+OK"}. */
  public String command(String inline) {
    try {
      return firstLine(host(), port, inline, 2000);
    } catch (IOException e) {
      throw new IllegalStateException("redis at " + hostAndPort() + " did not answer", e);
    }
  }

  /**
   * One inline command to any Redis-protocol server (redis-server, sentinel); its first reply line.
   */
  static String firstLine(String host, int port, String inline, int timeoutMillis)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  private void awaitPong(Duration timeout, Path log) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        if ("+PONG".equals(command("PING"))) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // still starting
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("redis-server did not answer PING within " + timeout);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
