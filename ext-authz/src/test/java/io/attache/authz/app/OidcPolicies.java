package io.attache.authz.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A policy directory with one policy logging browsers in at {@code provider}'s issuer {@code idp}.
 */
final class OidcPolicies {
  private OidcPolicies() {}

  /**
   * Writes a fresh session key, the client secret and the policy under {@code dir}; returns the
   * policy directory.
   */
  static Path write(Path dir, MockOAuth2Server provider) throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.writeString(dir.resolve("session-keys"), Base64.getEncoder().encodeToString(key) + "\n");
    Files.writeString(dir.resolve("client-secret"), "s3cret\n");
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        policies.resolve("app.yaml"),
        """
        kind: AuthPolicy
        metadata: {name: app}
        spec:
          identity:
            - oidc:
                issuerUrl: %s
                clientId: attache
                clientSecretFile: %s
                sessionKeysFile: %s
                scopes: [profile]
                allowHttp: true   # the provider in these tests is plain http on loopback
          response:
            headers: {x-user-id: "{identity.principal}"}
        """
            .formatted(
                provider.issuerUrl("idp"),
                dir.resolve("client-secret"),
                dir.resolve("session-keys")));
    return policies;
  }
}
