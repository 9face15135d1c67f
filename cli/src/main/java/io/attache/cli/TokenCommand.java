package io.attache.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attache token}: mints an RS256 JWT for trying JWT policies locally. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Prints an RS256 JWT signed with a PKCS#8 PEM private key, for trying JWT policies.",
      "Example: TOKEN=$(attache token --key examples/keys/quickstart-private.pem --subject alice)",
      "Exit codes: 0 printed, 2 bad usage or unreadable key."
    })
final class TokenCommand implements Callable<Integer> {
  @Option(names = "--key", required = true, description = "PKCS#8 PEM RSA private key")
  Path key;

  @Option(names = "--key-id", defaultValue = "quickstart", description = "kid (default quickstart)")
  String keyId;

  @Option(names = "--issuer", defaultValue = "https://quickstart.attache.io", description = "iss")
  String issuer;

  @Option(names = "--audience", defaultValue = "attache", description = "aud (default attache)")
  String audience;

  @Option(names = "--subject", required = true, description = "sub: the principal")
  String subject;

  @Option(names = "--claim", description = "an extra claim name=value; repeat for several")
  List<String> claims = new ArrayList<>();

  @Option(names = "--ttl", defaultValue = "1h", description = "lifetime, e.g. 15m, 1h (default 1h)")
  String ttl;

  @Override
  public Integer call() {
    try {
      System.out.println(mint(Instant.now()));
      return 0;
    } catch (IllegalArgumentException | IOException | GeneralSecurityException | JOSEException e) {
      System.err.println("attache token: " + e.getMessage());
      return 2;
    }
  }

  String mint(Instant now) throws IOException, GeneralSecurityException, JOSEException {
    String pem =
        Files.readString(key, StandardCharsets.UTF_8)
            .replaceAll("-----[A-Z ]+-----", "")
            .replaceAll("\\s", "");
    PrivateKey privateKey =
        KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    Duration lifetime =
        new io.attache.runtime.Settings(java.util.Map.of("ttl", ttl))
            .duration("ttl", Duration.ofHours(1));
    JWTClaimsSet.Builder body =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(subject)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)));
    for (String claim : claims) {
      int equals = claim.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--claim '" + claim + "': expected name=value");
      }
      body.claim(claim.substring(0, equals), claim.substring(equals + 1));
    }
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), body.build());
    jwt.sign(new RSASSASigner(privateKey));
    return jwt.serialize();
  }
}
