package io.attache.runtime;

import static io.attache.testsupport.Sockets.closedWithin;
import static io.attache.testsupport.Sockets.stillOpen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpLimits} on a real port (the admin server's; ext-authz's HTTP port has the same guard
 * and its own test), over real sockets: what a slowloris, an idle client and a crowd do.
 */
class HttpConnectionGuardTest {
  private static final String GET = "GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Socket> sockets = new ArrayList<>();
  private AdminServer server;

  private void start(HttpLimits limits) {
    server =
        AdminServer.start(
            "127.0.0.1",
            0,
            limits,
            registry,
            "admin",
            Map.of(
                "/healthz", AdminServer.Handler.of(() -> AdminServer.Response.text(200, "ok\n"))));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(5_000);
    sockets.add(socket);
    return socket;
  }

  private double closed(String reason) {
    return registry
        .get("attache.http.connections.closed")
        .tag("port", "admin")
        .tag("reason", reason)
        .counter()
        .count();
  }

  @Test
  void halfSentHeadsAreClosedAfterTheHeaderTimeoutWhileFullRequestsAreAnswered() throws Exception {
    start(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(30), 1_000));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket socket = connect();
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a".getBytes(US_ASCII));
      slow.add(socket);
    }

    assertThat(exchange(connect(), GET)).startsWith("HTTP/1.1 200");
    long sinceLast = System.nanoTime();
    assertThat(stillOpen(slow.get(slow.size() - 1), 100)).isTrue();
    assertThat(System.nanoTime() - sinceLast).isLessThan(Duration.ofMillis(900).toNanos());
    for (Socket socket : slow) {
      assertThat(closedWithin(socket, 3_000)).isTrue();
    }
    assertThat(closed("header_timeout")).isEqualTo(200);
    // the answered client's connection is kept alive
    await().until(() -> registry.get("attache.http.connections.open").gauge().value() == 1);
  }

  @Test
  void aHeadSentAByteAtATimeIsClosedAtTheTimeoutAllTheSame() throws Exception {
    start(new HttpLimits(Duration.ofMillis(500), Duration.ofSeconds(30), 10));
    Socket socket = connect();
    long started = System.nanoTime();
    byte[] head = GET.getBytes(US_ASCII);
    int sent = 0;
    try {
      for (; sent < head.length - 2; sent++) {
        socket.getOutputStream().write(head[sent]);
        Thread.sleep(50);
      }
    } catch (IOException closedWhileSending) {
      // the server closed it: what the test waits for
    }
    assertThat(closedWithin(socket, 2_000)).isTrue();
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(tookMillis).isBetween(450L, 2_000L);
    assertThat(sent).isLessThan(head.length - 2);
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeoutAndAPromptOneIsNot() throws Exception {
    start(new HttpLimits(Duration.ofSeconds(5), Duration.ofMillis(700), 10));
    Socket prompt = connect();
    Socket idle = connect();
    assertThat(exchange(idle, GET)).startsWith("HTTP/1.1 200");
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(prompt, GET)).startsWith("HTTP/1.1 200");
      Thread.sleep(300);
    }

    assertThat(closedWithin(idle, 2_000)).isTrue();
    assertThat(exchange(prompt, GET)).startsWith("HTTP/1.1 200");
    assertThat(closed("idle_timeout")).isEqualTo(1);
    assertThat(closed("header_timeout")).isZero();
  }

  @Test
  void aConnectionPastTheCapIsAnswered503AndClosedAndCounted() throws Exception {
    start(new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(30), 3));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket socket = connect();
      assertThat(exchange(socket, GET)).startsWith("HTTP/1.1 200");
      held.add(socket);
    }

    Socket refused = connect();
    assertThat(readAll(refused)).startsWith("HTTP/1.1 503").endsWith("too many open connections\n");
    assertThat(closed("over_capacity")).isEqualTo(1);

    refused.close();
    held.get(0).close();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("attache.http.connections.open").gauge().value() == 2);
    assertThat(exchange(connect(), GET)).startsWith("HTTP/1.1 200");
  }

  @Test
  void aBodySentTooSlowlyIsClosedAfterTheHeaderTimeoutPastItsHead() throws Exception {
    start(new HttpLimits(Duration.ofMillis(500), Duration.ofSeconds(30), 10));
    Socket socket = connect();
    socket
        .getOutputStream()
        .write(
            "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly part"
                .getBytes(US_ASCII));
    assertThat(closedWithin(socket, 2_000)).isTrue();
    assertThat(closed("header_timeout")).isEqualTo(1);
  }

  /** Added to a channel already open (an EmbeddedChannel, a pipeline built late): counted once. */
  @Test
  void aGuardAddedToAnOpenChannelCountsItOnceAndForgetsItWhenClosed() {
    HttpConnectionGuard guard =
        new HttpConnectionGuard(HttpLimits.ADMIN_DEFAULTS, registry, "embedded");
    io.netty.channel.embedded.EmbeddedChannel channel =
        new io.netty.channel.embedded.EmbeddedChannel();
    guard.addWatched(channel.pipeline(), new io.netty.handler.codec.http.HttpServerCodec());

    assertThat(guard.openConnections()).isEqualTo(1);
    channel.close();
    assertThat(guard.openConnections()).isZero();
  }

  @Test
  void settingsNameEachLimitAndRefuseZero() {
    Settings settings =
        new Settings(
            Map.of(
                "HTTP_HEADER_TIMEOUT", "3s",
                "HTTP_IDLE_TIMEOUT", "2m",
                "HTTP_MAX_CONNECTIONS", "50"));
    assertThat(HttpLimits.fromSettings(settings, "HTTP", HttpLimits.AUTH_DEFAULTS))
        .isEqualTo(new HttpLimits(Duration.ofSeconds(3), Duration.ofMinutes(2), 50));
    settings.validate();
    assertThat(HttpLimits.fromSettings(new Settings(Map.of()), "ADMIN", HttpLimits.ADMIN_DEFAULTS))
        .isEqualTo(HttpLimits.ADMIN_DEFAULTS);

    Settings bad = new Settings(Map.of("ADMIN_HEADER_TIMEOUT", "0s", "ADMIN_MAX_CONNECTIONS", "0"));
    HttpLimits.fromSettings(bad, "ADMIN", HttpLimits.ADMIN_DEFAULTS);
    assertThatThrownBy(bad::validate)
        .hasMessageContaining("ADMIN_HEADER_TIMEOUT=0s: must be longer than 0")
        .hasMessageContaining("ADMIN_MAX_CONNECTIONS=0");
  }

  private static final java.nio.charset.Charset US_ASCII = StandardCharsets.US_ASCII;

  /** Sends a request and reads one response: its head and as many body bytes as it says. */
  private static String exchange(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString(US_ASCII);
      }
      head.write(b);
    }
    String text = head.toString(US_ASCII);
    int length = Integer.parseInt(text.replaceAll("(?is).*content-length: *(\\d+).*", "$1").trim());
    return text + new String(in.readNBytes(length), US_ASCII);
  }

  private static String readAll(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), US_ASCII);
  }
}
