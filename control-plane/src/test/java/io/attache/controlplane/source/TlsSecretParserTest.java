package io.attache.controlplane.source;

import static io.attache.controlplane.TlsFixtures.EC_CERT;
import static io.attache.controlplane.TlsFixtures.EC_KEY;
import static io.attache.controlplane.TlsFixtures.EC_KEY_PKCS8;
import static io.attache.controlplane.TlsFixtures.RSA_CERT;
import static io.attache.controlplane.TlsFixtures.RSA_KEY;
import static io.attache.controlplane.TlsFixtures.base64;
import static io.attache.controlplane.TlsFixtures.secretYaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.controlplane.model.TlsSecret;
import io.attache.runtime.WatchedDirectory;
import io.attache.testsupport.keys.TestKeyPairs;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubernetes.io/tls Secrets read from YAML: the key forms Envoy takes, and every error named. */
class TlsSecretParserTest {
  private final ResourceParser parser = new ResourceParser();

  private ParseResult parse(String content) {
    return parser.parse(List.of(new WatchedDirectory.File("secret.yaml", content)));
  }

  private List<TlsSecret> secrets(String content) {
    ParseResult result = parse(content);
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).state().secrets();
  }

  private List<String> errors(String content) {
    ParseResult result = parse(content);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).errors().stream().map(ResourceError::toString).toList();
  }

  @Test
  void anRsaCertificateWithAPkcs1KeyIsRead() {
    TlsSecret secret = secrets(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY)).get(0);

    assertThat(secret.key()).isEqualTo("shop/store-cert");
    assertThat(secret.certificateChainPem()).isEqualTo(RSA_CERT);
    assertThat(secret.privateKeyPem()).isEqualTo(RSA_KEY);
  }

  @Test
  void anEcCertificateWithASec1KeyIsRead() {
    assertThat(secrets(secretYaml("shop", "store-cert", EC_CERT, EC_KEY))).hasSize(1);
  }

  @Test
  void anEcCertificateWithAPkcs8KeyIsRead() {
    assertThat(secrets(secretYaml("shop", "store-cert", EC_CERT, EC_KEY_PKCS8))).hasSize(1);
  }

  @Test
  void stringDataIsReadAsKubectlWouldApplyIt() {
    String yaml =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: store-cert, namespace: shop}
        type: kubernetes.io/tls
        stringData:
          tls.crt: |
        %s
          tls.key: |
        %s
        """
            .formatted(RSA_CERT.indent(4), RSA_KEY.indent(4));

    assertThat(secrets(yaml).get(0).privateKeyPem()).isEqualTo(RSA_KEY);
  }

  @Test
  void secretsOfOtherTypesAreIgnored() {
    assertThat(
            secrets(
                secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY)
                    .replace("kubernetes.io/tls", "Opaque")))
        .isEmpty();
  }

  @Test
  void aMissingKeyIsNamed() {
    String yaml =
        secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY).replaceAll("  tls.key.*\n", "");

    assertThat(errors(yaml))
        .containsExactly(
            "secret.yaml (document 1) data[tls.key]: required in a kubernetes.io/tls Secret");
  }

  @Test
  void aCertificateThatIsNotPemIsNamed() {
    assertThat(errors(secretYaml("shop", "store-cert", "just text", RSA_KEY)))
        .containsExactly(
            "secret.yaml (document 1) data[tls.crt]: not PEM: no -----BEGIN ...----- block");
  }

  @Test
  void dataThatIsNotBase64IsNamed() {
    String yaml =
        secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY).replace(base64(RSA_CERT), "not*base64");

    assertThat(errors(yaml))
        .containsExactly("secret.yaml (document 1) data[tls.crt]: not valid base64");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThat(errors(secretYaml("shop", "store-cert", RSA_CERT, EC_KEY)))
        .containsExactly(
            "secret.yaml (document 1) data[tls.key]: the private key does not belong to the first"
                + " certificate of data[tls.crt]");
  }

  @Test
  void anotherRsaKeyIsRefusedWithoutQuotingIt() {
    String otherKey = pkcs8Pem(TestKeyPairs.otherRsa().getPrivate().getEncoded());

    List<String> errors = errors(secretYaml("shop", "store-cert", RSA_CERT, otherKey));

    assertThat(errors)
        .singleElement()
        .asString()
        .contains("does not belong to the first certificate")
        .doesNotContain(otherKey.lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void anEncryptedKeyIsRefused() {
    String encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";

    assertThat(errors(secretYaml("shop", "store-cert", RSA_CERT, encrypted)))
        .containsExactly(
            "secret.yaml (document 1) data[tls.key]: an encrypted private key; Envoy needs it"
                + " unencrypted");
  }

  @Test
  void aCertificateInTheKeyFieldIsNamedByItsBlockType() {
    assertThat(errors(secretYaml("shop", "store-cert", RSA_CERT, RSA_CERT)))
        .containsExactly(
            "secret.yaml (document 1) data[tls.key]: a PEM CERTIFICATE block; expected PRIVATE"
                + " KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
  }

  @Test
  void theSecretPrintsWithoutItsKey() {
    TlsSecret secret = secrets(secretYaml("shop", "store-cert", RSA_CERT, RSA_KEY)).get(0);

    assertThat(secret.toString()).contains("shop/store-cert").doesNotContain("PRIVATE KEY");
  }

  private static String pkcs8Pem(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }
}
