package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.authz.http.RawHttp;
import io.attache.authz.identity.basic.HtpasswdTest;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Basic auth from an htpasswd file through Emissary's HTTP mode, as a browser meets it: a 401 with
 * a {@code Basic} challenge (RFC 7617 section 2), then the credentials it sends back.
 */
class BasicAuthEndToEndTest {
  @TempDir Path dir;
  private ServiceHost host;
  private int httpPort;
  private Path users;

  @BeforeEach
  void start() throws Exception {
    users = dir.resolve("users.htpasswd");
    Files.writeString(users, "alice:" + HtpasswdTest.BCRYPT + "\n");
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/wiki.yaml"),
        """
        kind: AuthPolicy
        metadata: {name: wiki}
        spec:
          identity: [{basicAuth: {htpasswdFile: %s}}]
          response: {headers: {x-user-id: "{identity.principal}"}, removeHeaders: [authorization]}
          deny: {realm: wiki}
        """
            .formatted(users));
    httpPort = FreePorts.next();
    host = LocalExtAuthz.start(dir.resolve("policies"), httpPort, Optional.empty());
  }

  @AfterEach
  void stop() {
    host.close();
  }

  private RawHttp.Response get(String... headers) throws Exception {
    return RawHttp.send(
        httpPort,
        "GET",
        "/wiki/page",
        List.of(headers).isEmpty() ? List.of("Host: wiki") : all(headers));
  }

  private static List<String> all(String... headers) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of("Host: wiki"), List.of(headers).stream())
        .toList();
  }

  private static String basic(String userAndPassword) {
    return "Authorization: Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBrowserIsChallengedAndThenLetInWithTheUserUpstream() throws Exception {
    RawHttp.Response challenged = get();
    RawHttp.Response in = get(basic("alice:" + HtpasswdTest.PASSWORD));
    RawHttp.Response wrong = get(basic("alice:guess"));

    assertThat(challenged.status()).isEqualTo(401);
    assertThat(challenged.header("www-authenticate"))
        .contains("Basic realm=\"wiki\", charset=\"UTF-8\"");
    assertThat(in.status()).isEqualTo(200);
    assertThat(in.header("x-user-id")).contains("alice");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("x-ext-auth-reason")).contains("basic_credentials_invalid");
  }

  @Test
  void aUserRemovedFromTheFileIsRefusedWithoutARestart() throws Exception {
    assertThat(get(basic("alice:" + HtpasswdTest.PASSWORD)).status()).isEqualTo(200);

    Files.writeString(users, "# nobody\n");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(basic("alice:" + HtpasswdTest.PASSWORD)).status() == 401);
  }

  @Test
  void aFileChangeWithAHashThePolicyDoesNotAllowIsRefusedAndTheUsersInForceStay() throws Exception {
    Files.writeString(users, "bob:$apr1$C7wYBCjN$4vaHiYLUzWlhCQj5F4tOe.\n");
    Thread.sleep(500); // five polls of the file

    RawHttp.Response stillServed = get(basic("alice:" + HtpasswdTest.PASSWORD));

    // The file's change is refused and the users in force stay: alice still gets in.
    assertThat(stillServed.status()).isEqualTo(200);
  }
}
