package io.attache.authz.identity.basic;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The password hash formats an htpasswd file may hold (Apache's {@code htpasswd} documentation,
 * "Password Formats"). Only bcrypt is accepted by default: it is slow by design, so a stolen file
 * resists guessing. The others are read only when a policy names them in {@code allowLegacyHashes},
 * for files that cannot be re-hashed at once. Plain text and DES {@code crypt()} are never read:
 * the first is no hash at all, the second keeps only 8 characters.
 */
public enum HashScheme {
  /** {@code $2y$}, {@code $2b$}, {@code $2a$}: bcrypt, {@code htpasswd -B}. */
  BCRYPT("bcrypt"),
  /** {@code $apr1$}: Apache's iterated MD5, {@code htpasswd}'s default before -B. */
  APR1("apr1"),
  /** {@code {SHA}}: one unsalted SHA-1, {@code htpasswd -s}. */
  SHA1("sha1"),
  /** {@code $5$}: SHA-256-crypt, {@code htpasswd -2}. */
  SHA256_CRYPT("sha256crypt"),
  /** {@code $6$}: SHA-512-crypt, {@code htpasswd -5}. */
  SHA512_CRYPT("sha512crypt");

  private final String configName;

  HashScheme(String configName) {
    this.configName = configName;
  }

  /** As a policy spells it in {@code allowLegacyHashes}. */
  public String configName() {
    return configName;
  }

  public static Optional<HashScheme> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(s -> s.configName.equals(lower)).findFirst();
  }

  /** The scheme a stored hash is written in, from its prefix; empty for one we never read. */
  static Optional<HashScheme> of(String hash) {
    if (hash.startsWith("$2y$") || hash.startsWith("$2b$") || hash.startsWith("$2a$")) {
      return Optional.of(BCRYPT);
    }
    if (hash.startsWith("$apr1$")) {
      return Optional.of(APR1);
    }
    if (hash.startsWith("{SHA}")) {
      return Optional.of(SHA1);
    }
    if (hash.startsWith("$5$")) {
      return Optional.of(SHA256_CRYPT);
    }
    if (hash.startsWith("$6$")) {
      return Optional.of(SHA512_CRYPT);
    }
    return Optional.empty();
  }
}
