package io.attache.authz.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.identity.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ApiKeyVerifierTest {
  private static final byte[] SECRET = "fingerprint-secret".getBytes(StandardCharsets.UTF_8);

  private static ApiKeyVerifier verifier() {
    return new ApiKeyVerifier(
        new CredentialSource.Header("x-api-key", ""),
        () -> List.of(new ApiKey(ApiKeyVerifier.sha256("k-alice"), "alice", Map.of())),
        SECRET);
  }

  /** What the fingerprint has always been: HMAC-SHA256 with the secret, base64url, 16 chars. */
  private static String hmacFingerprint(String key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] tag = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(tag).substring(0, 16);
  }

  @Test
  void sha256IsTheStandardDigest() {
    assertThat(HexFormat.of().formatHex(ApiKeyVerifier.sha256("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void theFingerprintIsTheKeyedHashOfTheKeyEveryTime() throws Exception {
    ApiKeyVerifier verifier = verifier();
    verifier.fingerprint("k-bob");

    assertThat(verifier.fingerprint("k-alice")).isEqualTo(hmacFingerprint("k-alice"));
  }

  @Test
  void fingerprintsTakenOnManyThreadsAtOnceAgree() throws Exception {
    ApiKeyVerifier verifier = verifier();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 2_000; i++) {
      pool.execute(() -> seen.add(verifier.fingerprint("k-alice")));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(seen).containsExactly(hmacFingerprint("k-alice"));
  }
}
