package io.attache.authz.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestMatchTest {
  private static final RequestMatch ORDERS_OR_CART =
      new RequestMatch(
          List.of(),
          List.of(new PathMatch.Prefix("/orders"), new PathMatch.Exact("/cart")),
          Set.of(),
          Set.of());

  private static CheckInput get(String path) {
    return new CheckInput(
        new HttpAttributes(
            "GET", "shop.example.com", path, "", Map.of(), "https", Optional.empty()),
        new PeerAttributes("10.0.0.7:41234", Optional.empty()),
        Map.of());
  }

  @Test
  void aPathMatchingAnyOfTheListedPathsIsCovered() {
    assertThat(ORDERS_OR_CART.matches(get("/cart"))).isTrue();
  }

  @Test
  void aPathMatchingNoneOfTheListedPathsIsNotCovered() {
    assertThat(ORDERS_OR_CART.matches(get("/carts"))).isFalse();
  }

  @Test
  void noListedPathsCoversEveryPath() {
    assertThat(RequestMatch.ALL.matches(get("/anything"))).isTrue();
  }
}
