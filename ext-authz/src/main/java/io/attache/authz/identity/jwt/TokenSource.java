package io.attache.authz.identity.jwt;

import io.attache.authz.core.HttpAttributes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Where in a request the token is carried. */
public sealed interface TokenSource {

  /** {@code Authorization: Bearer <token>}. */
  TokenSource BEARER_AUTHORIZATION = new Header("authorization", "Bearer ");

  /**
   * Every candidate token this source sees in the request: none means the credential is absent,
   * more than one is ambiguous. A candidate may be empty (a bare {@code Bearer}).
   */
  List<String> candidates(HttpAttributes request);

  /**
   * A request header. With a non-empty {@code prefix} (an auth scheme such as {@code Bearer },
   * matched without regard to case, as RFC 9110 asks) a value with another scheme is not this
   * method's credential (it may be an API key's {@code Basic}); an empty value is a candidate, so
   * it is rejected rather than passed over. With an empty prefix the whole value is the token.
   */
  record Header(String name, String prefix) implements TokenSource {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(prefix, "prefix");
      if (name.isBlank()) {
        throw new IllegalArgumentException("token header name must not be blank");
      }
      name = name.toLowerCase(Locale.ROOT);
    }

    @Override
    public List<String> candidates(HttpAttributes request) {
      Optional<String> value = request.header(name);
      if (value.isEmpty()) {
        return List.of();
      }
      String raw = value.get().strip();
      String scheme = prefix.strip();
      if (scheme.isEmpty() || raw.isEmpty()) {
        return List.of(raw);
      }
      if (!raw.regionMatches(true, 0, scheme, 0, scheme.length())) {
        return List.of();
      }
      String rest = raw.substring(scheme.length());
      if (!rest.isEmpty() && !Character.isWhitespace(rest.charAt(0))) {
        // "Bearerx": another scheme that happens to start with ours.
        return List.of();
      }
      return List.of(rest.strip());
    }
  }

  /** A query parameter, such as {@code access_token} for WebSocket upgrades. */
  record QueryParameter(String name) implements TokenSource {
    public QueryParameter {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("token query parameter name must not be blank");
      }
    }

    @Override
    public List<String> candidates(HttpAttributes request) {
      List<String> found = new ArrayList<>(1);
      for (String pair : request.query().split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        if (decode(key).equals(name)) {
          found.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
      }
      return found;
    }

    private static String decode(String s) {
      try {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // A broken %-escape: keep it as is; it will not parse as a token either.
        return s;
      }
    }
  }
}
