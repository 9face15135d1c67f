package io.attache.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.testsupport.tls.TestPki;
import io.attache.testsupport.tls.TestPki.Issued;
import io.attache.testsupport.tls.TestPki.KeyEncoding;
import io.attache.testsupport.tls.TestPki.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in every encoding cert-manager and other issuers write; precise errors for the rest. */
class PemFilesTest {
  @TempDir Path dir;

  @Test
  void readsRsaKeysAsPkcs1AndPkcs8() throws Exception {
    Issued issued = TestPki.rsa("rsa-ca").issue(Usage.SERVER, "localhost");
    for (KeyEncoding encoding : KeyEncoding.values()) {
      Path key = dir.resolve("rsa-" + encoding + ".key");
      issued.writeTo(dir.resolve("rsa.crt"), key, encoding);
      assertThat(Files.readString(key))
          .startsWith(
              encoding == KeyEncoding.PKCS8
                  ? "-----BEGIN PRIVATE KEY-----"
                  : "-----BEGIN RSA PRIVATE KEY-----");
      assertThat(PemFiles.matches(PemFiles.privateKey(key), issued.certificate())).isTrue();
    }
  }

  @Test
  void readsEcKeysAsSec1AndPkcs8() throws Exception {
    Issued issued = TestPki.ec("ec-ca").issue(Usage.SERVER, "localhost");
    Path key = dir.resolve("ec.key");
    issued.writeTo(dir.resolve("ec.crt"), key, KeyEncoding.TRADITIONAL);
    assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(PemFiles.matches(PemFiles.privateKey(key), issued.certificate())).isTrue();
    assertThat(PemFiles.certificates(dir.resolve("ec.crt"))).containsExactly(issued.certificate());
  }

  @Test
  void aFileWithoutWhatIsAskedForIsRefusedNamingTheFile() throws Exception {
    Path certificate = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    TestPki.ec("ca").issue(Usage.SERVER, "localhost").writeTo(certificate, key);

    assertThatThrownBy(() -> PemFiles.privateKey(certificate))
        .isInstanceOf(TlsFileException.class)
        .hasMessage(
            certificate
                + ": holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY"
                + " or EC PRIVATE KEY)");
    assertThatThrownBy(() -> PemFiles.certificates(key))
        .hasMessage(key + ": holds no PEM certificate (BEGIN CERTIFICATE)");
    assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("absent.crt")))
        .hasMessage(dir.resolve("absent.crt") + ": no such file");
  }
}
