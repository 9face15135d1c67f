package io.attache.authz.identity.jwt;

import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.RequestReads;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Where in a request the token is carried. */
public sealed interface TokenSource {

  /** {@code Authorization: Bearer <token>}. */
  TokenSource BEARER_AUTHORIZATION = new Header("authorization", "Bearer ");

  /**
   * Every candidate token this source sees in the request: none means the credential is absent,
   * more than one is ambiguous. A candidate may be empty (a bare {@code Bearer}).
   */
  List<String> candidates(HttpAttributes request);

  /** What of a request this source reads. */
  RequestReads reads();

  /**
   * A request header. With a non-empty {@code prefix} (an auth scheme such as {@code Bearer },
   * matched without regard to case, as RFC 9110 asks) a value with another scheme is not this
   * method's credential (it may be an API key's {@code Basic}); an empty value is a candidate, so
   * it is rejected rather than passed over. With an empty prefix the whole value is the token.
   */
  record Header(String name, String prefix) implements TokenSource {
    @Override
    public RequestReads reads() {
      return RequestReads.header(name);
    }

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
      String value = request.headers().get(name);
      if (value == null) {
        return List.of();
      }
      String raw = value.strip();
      // The scheme is the prefix without surrounding blanks, compared in place: no string is made
      // for it on every request.
      int schemeStart = 0;
      int schemeEnd = prefix.length();
      while (schemeStart < schemeEnd && Character.isWhitespace(prefix.charAt(schemeStart))) {
        schemeStart++;
      }
      while (schemeEnd > schemeStart && Character.isWhitespace(prefix.charAt(schemeEnd - 1))) {
        schemeEnd--;
      }
      int schemeLength = schemeEnd - schemeStart;
      if (schemeLength == 0 || raw.isEmpty()) {
        return List.of(raw);
      }
      if (!raw.regionMatches(true, 0, prefix, schemeStart, schemeLength)) {
        return List.of();
      }
      if (raw.length() > schemeLength && !Character.isWhitespace(raw.charAt(schemeLength))) {
        // "Bearerx": another scheme that happens to start with ours.
        return List.of();
      }
      // raw ends in no blank, so skipping the blanks after the scheme strips the token: one copy.
      int start = schemeLength;
      while (start < raw.length() && Character.isWhitespace(raw.charAt(start))) {
        start++;
      }
      return List.of(raw.substring(start));
    }
  }

  /** A query parameter, such as {@code access_token} for WebSocket upgrades. */
  record QueryParameter(String name) implements TokenSource {
    @Override
    public RequestReads reads() {
      return RequestReads.fields(RequestReads.Field.QUERY);
    }

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
