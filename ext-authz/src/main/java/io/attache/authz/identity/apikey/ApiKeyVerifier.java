package io.attache.authz.identity.apikey;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.ReasonCode;
import io.attache.authz.core.RequestReads;
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
 * <p>Per request only the SHA-256 of the presented key is computed, with a digest kept per thread:
 * looking the algorithm up in the security providers ({@code getInstance}) costs several times the
 * hashing of a short key, and a copy of a prototype allocates its state and message schedule (half
 * a kilobyte) every time. The identity of a known key, fingerprint included, is the same on every
 * request, so it is worked out on its key's first match and kept with the key list it came from
 * (replaced whole when the keys change, so a removed key leaves nothing behind).
 */
public final class ApiKeyVerifier implements IdentityVerifier {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(ApiKeyVerifier::newSha256);

  private final CredentialSource source;
  private final Supplier<List<ApiKey>> keys;
  private final SecretKeySpec fingerprintKey;
  private final Mac fingerprintPrototype;
  private volatile Known known = new Known(List.of(), new IdentityResult.Authenticated[0]);

  /**
   * The answers for one key list, by position in it; filled on first match. Racing threads may both
   * fill a slot, with equal answers, and an answer's fields are final, so no lock is needed.
   */
  private record Known(List<ApiKey> keys, IdentityResult.Authenticated[] answers) {}

  public ApiKeyVerifier(
      CredentialSource source, Supplier<List<ApiKey>> keys, byte[] fingerprintSecret) {
    this.source = source;
    this.keys = keys;
    this.fingerprintKey = new SecretKeySpec(fingerprintSecret, "HmacSHA256");
    this.fingerprintPrototype = newFingerprintMac();
  }

  @Override
  public RequestReads reads() {
    return source.reads();
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    Optional<String> presented = source.extract(input.request());
    if (presented.isEmpty()) {
      return IdentityResult.ABSENT;
    }
    byte[] digest = sha256(presented.get());
    List<ApiKey> current = keys.get();
    int found = -1;
    for (int i = 0; i < current.size(); i++) {
      if (MessageDigest.isEqual(digest, current.get(i).sha256()) && found < 0) {
        found = i;
      }
    }
    if (found < 0) {
      return new IdentityResult.Rejected(ReasonCode.API_KEY_INVALID, "unknown API key");
    }
    Known answers = known;
    if (answers.keys() != current) {
      answers = new Known(current, new IdentityResult.Authenticated[current.size()]);
      known = answers;
    }
    IdentityResult.Authenticated answer = answers.answers()[found];
    if (answer == null) {
      // Equal digests mean the same key, so its fingerprint is the same on every request.
      ApiKey key = current.get(found);
      answer =
          new IdentityResult.Authenticated(
              new Identity(
                  key.principal(),
                  "api_key",
                  java.util.Map.of(),
                  key.metadata(),
                  Optional.of(fingerprint(presented.get()))));
      answers.answers()[found] = answer;
    }
    return answer;
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
    // digest() resets the digest, so the next use on this thread starts clean.
    return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
