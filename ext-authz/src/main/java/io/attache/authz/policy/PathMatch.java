package io.attache.authz.policy;

import java.util.regex.Pattern;

/** How a policy matches a path: exactly, by prefix (on segment boundaries or not), or by regex. */
public sealed interface PathMatch {
  boolean matches(String path);

  record Exact(String path) implements PathMatch {
    @Override
    public boolean matches(String candidate) {
      return candidate.equals(path);
    }
  }

  record Prefix(String prefix) implements PathMatch {
    @Override
    public boolean matches(String candidate) {
      return candidate.startsWith(prefix);
    }
  }

  /** A full match of a Java regular expression, compiled once at load. */
  record Regex(Pattern pattern) implements PathMatch {
    @Override
    public boolean matches(String candidate) {
      return pattern.matcher(candidate).matches();
    }
  }
}
