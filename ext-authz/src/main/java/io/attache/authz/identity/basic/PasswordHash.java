package io.attache.authz.identity.basic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * One user's stored password hash, as written in an htpasswd line after the colon. Checking a
 * password costs what the scheme costs (bcrypt at cost 10: tens of milliseconds), which is why the
 * verifier runs it off the event loop and remembers the outcome. Libraries do the hashing: Bouncy
 * Castle's OpenBSD bcrypt, Commons Codec's MD5- and SHA-crypt.
 *
 * @param scheme the format
 * @param text the hash as stored: salted, so it also names this version of the password
 */
public record PasswordHash(HashScheme scheme, String text) {

  public PasswordHash {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Reads a stored hash.
   *
   * @param allowed the schemes besides bcrypt a policy accepts
   * @throws IllegalArgumentException naming the scheme and why it is not read
   */
  public static PasswordHash parse(String text, Set<HashScheme> allowed) {
    HashScheme scheme =
        HashScheme.of(text)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not a bcrypt ($2y$), apr1, {SHA}, $5$ or $6$ hash: plain-text and DES"
                            + " crypt passwords are never accepted"));
    if (scheme != HashScheme.BCRYPT && !allowed.contains(scheme)) {
      throw new IllegalArgumentException(
          "a "
              + scheme.configName()
              + " hash, accepted only when allowLegacyHashes names "
              + scheme.configName()
              + " (re-hash with htpasswd -B for bcrypt)");
    }
    if (scheme == HashScheme.BCRYPT && !wellFormedBcrypt(text)) {
      throw new IllegalArgumentException(
          "a bcrypt hash is $2y$, the cost, $ and 53 characters of salt and hash");
    }
    return new PasswordHash(scheme, text);
  }

  /** Whether {@code password} is the one this hash was made from. Costly for bcrypt. */
  public boolean matches(String password) {
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    return switch (scheme) {
      case BCRYPT -> OpenBSDBCrypt.checkPassword(text, password.toCharArray());
      case APR1 -> constantTimeEquals(Md5Crypt.apr1Crypt(bytes, text), text);
      case SHA256_CRYPT -> constantTimeEquals(Sha2Crypt.sha256Crypt(bytes, text), text);
      case SHA512_CRYPT -> constantTimeEquals(Sha2Crypt.sha512Crypt(bytes, text), text);
      case SHA1 -> constantTimeEquals("{SHA}" + sha1Base64(bytes), text);
    };
  }

  private static boolean wellFormedBcrypt(String text) {
    return text.length() == 60 && text.charAt(6) == '$';
  }

  private static String sha1Base64(byte[] password) {
    try {
      return Base64.getEncoder()
          .encodeToString(MessageDigest.getInstance("SHA-1").digest(password));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static boolean constantTimeEquals(String computed, String stored) {
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
  }
}
