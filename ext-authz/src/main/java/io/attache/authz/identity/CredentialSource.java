package io.attache.authz.identity;

import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.RequestReads;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a credential is carried: a header (optionally after a prefix such as {@code Bearer }) or a
 * query parameter. Empty when the request does not carry it at all.
 */
public sealed interface CredentialSource {
  Optional<String> extract(HttpAttributes request);

  /** What of a request this source reads. */
  RequestReads reads();

  /** A header, lower-case name; a prefix is matched case-insensitively, as HTTP schemes are. */
  record Header(String name, String prefix) implements CredentialSource {
    public Header {
      name = name.toLowerCase(Locale.ROOT);
      Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public RequestReads reads() {
      return RequestReads.header(name);
    }

    @Override
    public Optional<String> extract(HttpAttributes request) {
      Optional<String> value = request.header(name);
      if (value.isEmpty() || prefix.isEmpty()) {
        return value;
      }
      String text = value.get();
      if (text.length() < prefix.length()
          || !text.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return Optional.empty();
      }
      return Optional.of(text.substring(prefix.length()).trim());
    }
  }

  /** A query-string parameter. */
  record Query(String name) implements CredentialSource {
    @Override
    public RequestReads reads() {
      return RequestReads.fields(RequestReads.Field.QUERY);
    }

    @Override
    public Optional<String> extract(HttpAttributes request) {
      for (String pair : request.query().split("&")) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        if (decode(key).equals(name)) {
          return Optional.of(equals < 0 ? "" : decode(pair.substring(equals + 1)));
        }
      }
      return Optional.empty();
    }

    private static String decode(String text) {
      try {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        return text;
      }
    }
  }
}
