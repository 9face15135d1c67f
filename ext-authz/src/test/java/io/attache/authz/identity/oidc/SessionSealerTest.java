package io.attache.authz.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AES-256-GCM cookie sealing: private, tamper-evident, bound to its cookie, keys that rotate. */
class SessionSealerTest {
  private static byte[] key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static final byte[] OLD = key();
  private static final byte[] NEW = key();
  private static final byte[] SESSION = "{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aSealedValueOpensOnlyForItsCookieAndHidesItsContent() {
    SessionSealer sealer = new SessionSealer(List.of(NEW));

    String sealed = sealer.seal("attache_session", SESSION);

    assertThat(sealer.open("attache_session", sealed)).hasValue(SESSION);
    assertThat(sealer.open("attache_session_login", sealed)).isEmpty();
    assertThat(sealed).doesNotContain("alice").matches("[A-Za-z0-9_-]+");
    assertThat(sealer.seal("attache_session", SESSION)).isNotEqualTo(sealed);
  }

  @Test
  void anyAlteredByteOrAnotherKeysValueDoesNotOpen() {
    SessionSealer sealer = new SessionSealer(List.of(NEW));
    String sealed = sealer.seal("c", SESSION);
    byte[] bytes = Base64.getUrlDecoder().decode(sealed);

    // Bytes, not characters: the last base64 character carries bits no byte holds, and a decoder
    // ignores them, so changing one of those changes nothing that was sealed.
    for (int i = 0; i < bytes.length; i++) {
      byte[] altered = bytes.clone();
      altered[i] ^= 0x01;
      String value = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      assertThat(sealer.open("c", value)).as("byte %d altered", i).isEmpty();
    }
    assertThat(new SessionSealer(List.of(OLD)).open("c", sealed)).isEmpty();
    assertThat(sealer.open("c", "not base64!")).isEmpty();
    assertThat(sealer.open("c", "")).isEmpty();
  }

  @Test
  void aRotatedInKeySealsWhileTheOldOneStillOpensItsCookies() {
    String sealedBefore = new SessionSealer(List.of(OLD)).seal("c", SESSION);
    SessionSealer rotated = new SessionSealer(List.of(NEW, OLD));

    String sealedAfter = rotated.seal("c", SESSION);

    assertThat(rotated.open("c", sealedBefore)).hasValue(SESSION);
    assertThat(new SessionSealer(List.of(NEW)).open("c", sealedAfter)).hasValue(SESSION);
    assertThat(new SessionSealer(List.of(OLD)).open("c", sealedAfter)).isEmpty();
  }

  @Test
  void keysAre32Bytes() {
    assertThatThrownBy(() -> new SessionSealer(List.of(new byte[16])))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new SessionSealer(List.of())).hasMessageContaining("at least one");
  }
}
