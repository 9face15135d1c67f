package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EventSinksTest {

  @Test
  void aPodNameIsTheSourcesLastSegmentAsItIs() {
    assertThat(EventSinks.source("ext-authz", "ext-authz-7f9c5d-x2k4q"))
        .isEqualTo("/attache/ext-authz/ext-authz-7f9c5d-x2k4q");
  }

  @Test
  void anInstanceNameAUriCannotHoldIsPercentEncodedSoTheSourceIsAUriReference() {
    String source = EventSinks.source("ratelimit-service", "my host/1?a#b%é");

    assertThat(source).isEqualTo("/attache/ratelimit-service/my%20host%2F1%3Fa%23b%25%C3%A9");
    assertThat(URI.create(source).getPath())
        .isEqualTo("/attache/ratelimit-service/my host/1?a#b%é");
  }
}
