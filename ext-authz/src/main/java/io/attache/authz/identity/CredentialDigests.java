package io.attache.authz.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names a credential in memory without keeping it: an HMAC-SHA256 of its parts under a key that
 * never leaves the process, so a heap dump of remembered answers gives no token or password, and
 * the digest of a guess cannot be computed outside. Comparable and hashable as a map key.
 */
public final class CredentialDigests {
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  /** Keyed with fresh random bytes. */
  public CredentialDigests() {
    this(randomKey());
  }

  public CredentialDigests(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** The digest of {@code parts}, each ended by a zero byte so that no two splits collide. */
  public ByteBuffer of(String... parts) {
    Mac mac = macs.get();
    for (String part : parts) {
      mac.update(part.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
    }
    return ByteBuffer.wrap(mac.doFinal());
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
