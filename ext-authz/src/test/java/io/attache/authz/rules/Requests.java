package io.attache.authz.rules;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import io.attache.authz.core.PeerAttributes;
import java.util.Map;
import java.util.Optional;

/** Test fixtures: requests and callers, with defaults for what a test does not care about. */
final class Requests {

  private Requests() {}

  static CheckInput request(String method, String path, Map<String, String> headers) {
    return request(method, path, headers, "10.1.2.3:51234");
  }

  static CheckInput request(
      String method, String path, Map<String, String> headers, String sourceAddress) {
    return new CheckInput(
        new HttpAttributes(
            method, "api.example.com", path, "", headers, "https", Optional.of("req-1")),
        new PeerAttributes(sourceAddress, Optional.empty()),
        Map.of("mapping", "api"));
  }

  static CheckInput get(String path) {
    return request("GET", path, Map.of());
  }

  static Identity jwt(String subject, Map<String, Object> claims) {
    return new Identity(subject, "jwt", claims, Map.of(), Optional.empty());
  }

  static Identity apiKey(String principal, Map<String, String> metadata) {
    return new Identity(principal, "api_key", Map.of(), metadata, Optional.of("fp"));
  }
}
