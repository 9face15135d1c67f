package io.attache.authz.identity.oidc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals cookie values with AES-256-GCM, so a session lives in the browser and no server keeps
 * state: the browser can neither read nor alter what it holds, and any replica with the keys can
 * open it. Keys rotate: the first seals, every one opens, so a new key is put first and an old one
 * dropped once the cookies it sealed have expired.
 *
 * <p>A sealed value is base64url of: a 4-byte key id (the first bytes of the key's SHA-256, to pick
 * the key without trying each), a fresh 12-byte nonce, then the ciphertext and its 16-byte tag. The
 * cookie's name is the associated data, so a value sealed for one cookie does not open as another.
 */
public final class SessionSealer {
  private static final int KEY_BYTES = 32;
  private static final int ID_BYTES = 4;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final List<SecretKeySpec> keys;
  private final List<byte[]> ids;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param keys 32 bytes each, the sealing key first
   * @throws IllegalArgumentException for no keys or one of another length
   */
  public SessionSealer(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one session key is needed");
    }
    for (byte[] key : keys) {
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "a session key is 32 bytes (AES-256), not " + key.length);
      }
    }
    this.keys = keys.stream().map(k -> new SecretKeySpec(k.clone(), "AES")).toList();
    this.ids = keys.stream().map(SessionSealer::id).toList();
  }

  /** {@code plaintext} sealed for the cookie {@code name}. */
  public String seal(String name, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext);
      ByteBuffer out = ByteBuffer.allocate(ID_BYTES + NONCE_BYTES + sealed.length);
      out.put(ids.get(0)).put(nonce).put(sealed);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every JDK", e);
    }
  }

  /**
   * What {@code value} holds, if one of the keys sealed it for this cookie and nobody altered it.
   */
  public Optional<byte[]> open(String name, String value) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (bytes.length < ID_BYTES + NONCE_BYTES + TAG_BITS / 8) {
      return Optional.empty();
    }
    byte[] id = Arrays.copyOfRange(bytes, 0, ID_BYTES);
    for (int i = 0; i < keys.size(); i++) {
      if (Arrays.equals(ids.get(i), id)) {
        return open(keys.get(i), name, bytes);
      }
    }
    return Optional.empty();
  }

  private static Optional<byte[]> open(SecretKeySpec key, String name, byte[] bytes) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, ID_BYTES, NONCE_BYTES));
      cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return Optional.of(
          cipher.doFinal(bytes, ID_BYTES + NONCE_BYTES, bytes.length - ID_BYTES - NONCE_BYTES));
    } catch (GeneralSecurityException e) {
      // AEADBadTagException: altered, or sealed for another cookie.
      return Optional.empty();
    }
  }

  private static byte[] id(byte[] key) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), ID_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
