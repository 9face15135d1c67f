package io.attache.authz.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** CheckInputs shaped as Envoy describes requests. */
public final class Requests {
  private Requests() {}

  public static CheckInput get(String host, String path, String... headerPairs) {
    return request("GET", host, path, Optional.empty(), headerPairs);
  }

  public static CheckInput request(
      String method,
      String host,
      String path,
      Optional<String> peerPrincipal,
      String... headerPairs) {
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.put(headerPairs[i], headerPairs[i + 1]);
    }
    int question = path.indexOf('?');
    return new CheckInput(
        new HttpAttributes(
            method,
            host,
            question < 0 ? path : path.substring(0, question),
            question < 0 ? "" : path.substring(question + 1),
            headers,
            "https",
            Optional.of("req-1")),
        new PeerAttributes("10.0.0.7:40000", peerPrincipal),
        Map.of());
  }
}
