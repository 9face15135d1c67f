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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
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
 * {@link AuthzService}, in an {@link EmbeddedChannel}. No exception may escape the pipeline, what
 * comes out must be well-formed HTTP/1.1 responses, none a 500 (the handler's answer to a bug), and
 * a request head gets an answer or a close. And {@link RequestTarget} splits as {@link URI} does
 * wherever URI accepts an HTTP request target.
 */
class AuthRequestFuzzTest {
  private static final AuthRequestHandler HANDLER =
      new AuthRequestHandler("/auth", TracedChecks.untraced(service()));
  private static final Pattern ABSOLUTE_FORM =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  @FuzzTest
  void everyRequestIsAnsweredOrClosed(byte[] input) {
    Connection connection = new Connection();
    HttpAuthServer.addHttpHandlers(connection.pipeline(), HANDLER);
    int chunk = Math.max(1, input.length / 3);
    for (int at = 0; at < input.length && connection.isOpen(); at += chunk) {
      connection.writeInbound(
          Unpooled.wrappedBuffer(input, at, Math.min(chunk, input.length - at)));
      connection.runPendingTasks();
      connection.checkException();
    }
    List<FullHttpResponse> responses = responses(connection);
    try {
      assertThat(responses).noneMatch(r -> r.status().code() == 500);
      if (oneHeadWithoutBody(input)) {
        assertThat(!responses.isEmpty() || !connection.isOpen())
            .as("a request head is answered or its connection closed")
            .isTrue();
      }
    } finally {
      responses.forEach(ReferenceCountUtil::release);
      connection.finishAndReleaseAll();
    }
  }

  private static boolean oneHeadWithoutBody(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    return text.endsWith("\r\n\r\n")
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

  /** What the server wrote, decoded as responses; each must decode without error. */
  private static List<FullHttpResponse> responses(EmbeddedChannel connection) {
    EmbeddedChannel client =
        new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 21));
    List<FullHttpResponse> responses = new ArrayList<>();
    try {
      for (Object written; (written = connection.readOutbound()) != null; ) {
        client.writeInbound((ByteBuf) written);
        for (Object decoded; (decoded = client.readInbound()) != null; ) {
          FullHttpResponse response = (FullHttpResponse) decoded;
          responses.add(response);
          assertThat(response.decoderResult().isSuccess()).as("well-formed response").isTrue();
          assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
              .isEqualTo(response.content().readableBytes());
        }
      }
      client.checkException();
      return responses;
    } catch (RuntimeException | AssertionError e) {
      responses.forEach(ReferenceCountUtil::release);
      throw e;
    } finally {
      client.finishAndReleaseAll();
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
