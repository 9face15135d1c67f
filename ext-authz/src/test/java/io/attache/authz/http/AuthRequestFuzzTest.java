package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.rules.CelConditions;
import io.attache.authz.tracing.TracedChecks;
import io.attache.events.EventSink;
import io.attache.runtime.HttpConnectionGuard;
import io.attache.runtime.HttpLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzz targets for HTTP mode: raw request bytes through the pipeline {@link HttpAuthServer} builds
 * (its codec and limits, {@link BodyLimit}, {@link AuthRequestHandler}) over a real in-memory
 * {@link AuthzService}, in an {@link EmbeddedChannel}, with one observer after the codec that notes
 * each request's method for the client decoding the answers (an answer to HEAD has no body). No
 * exception may escape the pipeline, what comes out must be well-formed HTTP/1.1 responses, none a
 * 500 (the handler's answer to a bug), and a request head gets an answer or a close. And {@link
 * RequestTarget} splits as {@link URI} does wherever URI accepts an HTTP request target.
 */
class AuthRequestFuzzTest {
  private static final AuthRequestHandler HANDLER =
      new AuthRequestHandler("/auth", TracedChecks.untraced(service()));
  private static final Pattern ABSOLUTE_FORM =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  /**
   * The bytes arrive in three writes. If they are exactly one request head without a body (they
   * start with a visible character, end the first time a blank line does, and name no length or
   * transfer coding), it is answered or the connection closed.
   */
  @FuzzTest
  void everyRequestIsAnsweredOrClosed(byte[] input) {
    Connection connection = new Connection();
    // A guard per connection, as each has its own count: the server's limits, timers never due here
    HttpAuthServer.addHttpHandlers(
        connection.pipeline(),
        HANDLER,
        new HttpConnectionGuard(HttpLimits.AUTH_DEFAULTS, new SimpleMeterRegistry(), "http"));
    List<HttpMethod> methods = new ArrayList<>();
    String codec = connection.pipeline().context(HttpServerCodec.class).name();
    connection.pipeline().addAfter(codec, "methods", new Methods(methods));
    int chunk = Math.max(1, input.length / 3);
    try {
      for (int at = 0; at < input.length && connection.isOpen(); at += chunk) {
        connection.writeInbound(
            Unpooled.wrappedBuffer(input, at, Math.min(chunk, input.length - at)));
        connection.runPendingTasks();
        connection.checkException();
      }
      List<Integer> statuses = statuses(connection, methods);
      assertThat(statuses).doesNotContain(500);
      if (oneHeadWithoutBody(input)) {
        assertThat(!statuses.isEmpty() || !connection.isOpen())
            .as("a request head is answered or its connection closed")
            .isTrue();
      }
    } finally {
      connection.finishAndReleaseAll();
    }
  }

  private static boolean oneHeadWithoutBody(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    // Netty skips blank lines and control characters before a request line: those are no request.
    return input.length > 0
        && input[0] > ' '
        && input[0] < 0x7f
        && text.endsWith("\r\n\r\n")
        && text.indexOf("\n\r\n") == text.length() - 3
        && text.indexOf("\n\n") < 0
        && !lower.contains("content-length")
        && !lower.contains("transfer-encoding");
  }

  @FuzzTest
  void requestTargetSplitsAsUriDoes(byte[] input) {
    String target = new String(input, StandardCharsets.UTF_8);
    RequestTarget split = RequestTarget.parse(target);
    boolean originForm = target.startsWith("/") && !target.startsWith("//");
    if (!originForm && !ABSOLUTE_FORM.matcher(target).matches()) {
      return;
    }
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException notAUri) {
      return;
    }
    assertThat(split.path()).isEqualTo(orEmpty(uri.getRawPath()));
    assertThat(split.query()).isEqualTo(orEmpty(uri.getRawQuery()));
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  /**
   * The statuses of what the server wrote, decoded by a client that sent the requests the server
   * read (so that it knows which answers are to a HEAD and have no body); every response must
   * decode without error, and the last one must be complete.
   */
  private static List<Integer> statuses(EmbeddedChannel connection, List<HttpMethod> methods) {
    EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec());
    methods.forEach(
        method ->
            client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/")));
    client.releaseOutbound();
    List<Integer> statuses = new ArrayList<>();
    boolean open = false;
    try {
      for (Object written; (written = connection.readOutbound()) != null; ) {
        client.writeInbound((ByteBuf) written);
        for (Object decoded; (decoded = client.readInbound()) != null; ) {
          try {
            assertThat(((DecoderResultProvider) decoded).decoderResult().isSuccess())
                .as("well-formed response")
                .isTrue();
            if (decoded instanceof HttpResponse response) {
              statuses.add(response.status().code());
              open = true;
            }
            if (decoded instanceof LastHttpContent) {
              open = false;
            }
          } finally {
            ReferenceCountUtil.release(decoded);
          }
        }
      }
      client.checkException();
      assertThat(open).as("the last response is complete").isFalse();
      return statuses;
    } finally {
      client.releaseInbound();
    }
  }

  /** Notes the method of each request the codec reads, for the client that decodes the answers. */
  private static final class Methods extends ChannelInboundHandlerAdapter {
    private final List<HttpMethod> methods;

    Methods(List<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        methods.add(request.method());
      }
      ctx.fireChannelRead(msg);
    }
  }

  private static AuthzService service() {
    try {
      List<AuthPolicy> policies =
          new PolicyParser((spec, path, problems) -> null, new CelConditions(), "s".getBytes())
              .parse("p.yaml", HttpAuthServerTest.POLICIES);
      return new AuthzService(new Authorizer(() -> policies, false), EventSink.discarding());
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A connection from an address, as the handler reads the peer's IP from it. */
  private static final class Connection extends EmbeddedChannel {
    @Override
    protected SocketAddress remoteAddress0() {
      return new InetSocketAddress("10.0.0.7", 41234);
    }
  }
}
