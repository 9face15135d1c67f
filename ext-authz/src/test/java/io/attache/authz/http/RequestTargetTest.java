package io.attache.authz.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The target as sent: the same split as the JDK server's {@code URI.getRawPath()} and {@code
 * getRawQuery()} for every target {@code URI} accepts, and a split instead of a 400 for the rest.
 */
class RequestTargetTest {

  @Property(tries = 2000)
  void splitsEveryTargetUriAcceptsAsItsRawPathAndQuery(
      @ForAll
          @StringLength(max = 40)
          @CharRange(from = 'a', to = 'c')
          @Chars({'/', '?', '#', '=', '&', ':', '@', '+', ';', '.', '~', 'é'})
          String rest) {
    // "//x/y" is a network-path reference to URI ("x" its authority); Envoy and the gRPC mode
    // see the path "//x/y", and so does the policy now.
    Assume.that(!rest.startsWith("/"));
    String target = "/" + rest;
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException rejected) {
      Assume.that(false);
      return;
    }

    RequestTarget parsed = RequestTarget.parse(target);

    assertThat(parsed)
        .isEqualTo(
            new RequestTarget(uri.getRawPath(), Objects.requireNonNullElse(uri.getRawQuery(), "")));
  }

  @Test
  void aQueryUriRejectsIsKeptAsSent() {
    assertThat(RequestTarget.parse("/search?filter={\"a\":1}&sort=a|b^`"))
        .isEqualTo(new RequestTarget("/search", "filter={\"a\":1}&sort=a|b^`"));
  }

  @Test
  void aBadPercentEscapeIsKeptUndecoded() {
    assertThat(RequestTarget.parse("/a%zz/b?q=%zz%"))
        .isEqualTo(new RequestTarget("/a%zz/b", "q=%zz%"));
  }

  @Test
  void anAbsoluteFormTargetKeepsOnlyItsPathAndQuery() {
    assertThat(RequestTarget.parse("http://shop.example.com:8080/orders?id=7"))
        .isEqualTo(new RequestTarget("/orders", "id=7"));
  }

  @Test
  void aPathStartingWithTwoSlashesIsAPathNotAnAuthority() {
    assertThat(RequestTarget.parse("//admin/users"))
        .isEqualTo(new RequestTarget("//admin/users", ""));
  }

  @Test
  void aFragmentIsDropped() {
    assertThat(RequestTarget.parse("/orders?id=7#top"))
        .isEqualTo(new RequestTarget("/orders", "id=7"));
  }
}
