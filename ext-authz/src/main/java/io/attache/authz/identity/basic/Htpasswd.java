package io.attache.authz.identity.basic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users of an htpasswd file (one {@code user:hash} per line; blank lines and lines starting
 * with {@code #} are skipped, as Apache's {@code htpasswd} writes and reads them), or of several
 * merged.
 */
public record Htpasswd(Map<String, PasswordHash> users) {
  public static final Htpasswd EMPTY = new Htpasswd(Map.of());

  public Htpasswd {
    users = Map.copyOf(users);
  }

  public Optional<PasswordHash> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /**
   * Parses {@code content}; each problem names {@code source}, the line and the user (never the
   * hash) and is added to {@code problems}. A file with problems should not be used at all: a
   * half-read file would lock out the users on the lines it could not read.
   */
  public static Htpasswd parse(
      String source, String content, Set<HashScheme> allowed, List<String> problems) {
    Map<String, PasswordHash> users = new LinkedHashMap<>();
    String[] lines = content.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + ": line " + (i + 1);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        problems.add(where + ": not user:hash");
        continue;
      }
      String user = line.substring(0, colon);
      where += " (user " + user + ")";
      if (users.containsKey(user)) {
        problems.add(where + ": the user is listed twice");
        continue;
      }
      try {
        users.put(user, PasswordHash.parse(line.substring(colon + 1), allowed));
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    return new Htpasswd(users);
  }

  /** These users and {@code other}'s; a user in both keeps this file's hash. */
  public Htpasswd merge(Htpasswd other) {
    Map<String, PasswordHash> merged = new LinkedHashMap<>(other.users);
    merged.putAll(users);
    return new Htpasswd(merged);
  }
}
