package io.attache.authz.identity.apikey;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.identity.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys from a header or query parameter. The presented key is hashed and compared with every
 * known digest in constant time (no early exit, no lookup whose timing depends on the key), so a
 * caller learns nothing from how long a wrong key takes. The identity carries a fingerprint (HMAC
 * of the key with a service secret) so audit events can tell keys apart without holding them.
 *
 * <p>Both hashes start from a prototype made once and copied per request: looking the algorithm up
 * in the security providers ({@code getInstance}, {@code init}) costs several times the hashing of
 * a short key. A prototype is never updated itself, so copies may be taken from any thread.
 */
public final class ApiKeyVerifier implements IdentityVerifier {
  private static final MessageDigest SHA256 = sha256Prototype();

  private final CredentialSource source;
  private final Supplier<List<ApiKey>> keys;
  private final SecretKeySpec fingerprintKey;
  private final Mac fingerprintPrototype;

  public ApiKeyVerifier(
      CredentialSource source, Supplier<List<ApiKey>> keys, byte[] fingerprintSecret) {
    this.source = source;
    this.keys = keys;
    this.fingerprintKey = new SecretKeySpec(fingerprintSecret, "HmacSHA256");
    this.fingerprintPrototype = newFingerprintMac();
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> presented = source.extract(input.request());
    if (presented.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    byte[] digest = sha256(presented.get());
    ApiKey found = null;
    for (ApiKey key : keys.get()) {
      if (MessageDigest.isEqual(digest, key.sha256()) && found == null) {
        found = key;
      }
    }
    if (found == null) {
      return new IdentityResult.Rejected(ReasonCode.API_KEY_INVALID, "unknown API key");
    }
    return new IdentityResult.Authenticated(
        new Identity(
            found.principal(),
            "api_key",
            java.util.Map.of(),
            found.metadata(),
            Optional.of(fingerprint(presented.get()))));
  }

  /** A keyed hash naming the key in logs and events; never reversible to the key. */
  String fingerprint(String key) {
    Mac mac;
    try {
      mac = (Mac) fingerprintPrototype.clone();
    } catch (CloneNotSupportedException e) {
      mac = newFingerprintMac();
    }
    byte[] tag = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(tag).substring(0, 16);
  }

  private Mac newFingerprintMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(fingerprintKey);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] sha256(String key) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      digest = sha256Prototype();
    }
    return digest.digest(key.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256Prototype() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
