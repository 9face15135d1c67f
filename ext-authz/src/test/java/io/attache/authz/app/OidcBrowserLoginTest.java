package io.attache.authz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attache.authz.http.RawHttp;
import io.attache.runtime.host.ServiceHost;
import io.attache.testsupport.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser logs in: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver (both installed by .ci/run), against a real OpenID provider in the test
 * (mock-oauth2-server with its interactive login page), through a small front that asks ext-authz's
 * HTTP mode as Emissary does and forwards what it allows to a backend that greets the user named in
 * {@code x-user-id}.
 */
class OidcBrowserLoginTest {
  @TempDir Path dir;
  private final MockOAuth2Server provider = new MockOAuth2Server(new OAuth2Config(true));
  private ServiceHost host;
  private HttpServer front;
  private WebDriver browser;

  @BeforeEach
  void start() throws Exception {
    provider.start();
    Path policies = OidcPolicies.write(dir, provider);
    int authPort = FreePorts.next();
    host = LocalExtAuthz.start(policies, authPort, Optional.empty());
    front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    front.createContext("/", exchange -> serve(exchange, authPort));
    front.start();
    ChromeOptions options =
        new ChromeOptions()
            .setBinary("/usr/bin/chromium")
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build(),
            options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    front.stop(0);
    host.close();
    provider.shutdown();
  }

  /** Emissary's part: ask ext-authz, then forward an allowed request, or relay the answer. */
  private static void serve(HttpExchange exchange, int authPort) throws IOException {
    List<String> headers = new ArrayList<>();
    headers.add("Host: " + exchange.getRequestHeaders().getFirst("Host"));
    for (String name : List.of("Accept", "Cookie")) {
      Optional.ofNullable(exchange.getRequestHeaders().getFirst(name))
          .ifPresent(value -> headers.add(name + ": " + value));
    }
    RawHttp.Response auth =
        RawHttp.send(authPort, "GET", exchange.getRequestURI().toString(), headers);
    byte[] body;
    if (auth.status() == 200) {
      String user = auth.header("x-user-id").orElse("nobody");
      body =
          ("<html><body><h1 id='greeting'>hello " + user + "</h1></body></html>")
              .getBytes(StandardCharsets.UTF_8);
    } else {
      for (Map.Entry<String, String> header : auth.headers()) {
        if (List.of("location", "set-cookie", "cache-control")
            .contains(header.getKey().toLowerCase())) {
          exchange.getResponseHeaders().add(header.getKey(), header.getValue());
        }
      }
      body = auth.body().getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(auth.status(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** Waits for the page the browser is on to have {@code element}. */
  private void shows(By element) {
    await().atMost(Duration.ofSeconds(15)).until(() -> !browser.findElements(element).isEmpty());
  }

  private String app(String path) {
    return "http://localhost:" + front.getAddress().getPort() + path;
  }

  @Test
  void aBrowserLogsInAtTheProviderAndComesBackAsItsUserThenLogsOut() {
    browser.get(app("/reports"));
    shows(By.name("username"));
    String loginPage = browser.getCurrentUrl();
    browser.findElement(By.name("username")).sendKeys("alice");
    browser.findElement(By.cssSelector("input[type=submit]")).click();
    shows(By.id("greeting"));
    String greeting = browser.findElement(By.id("greeting")).getText();
    String landed = browser.getCurrentUrl();
    boolean sessionCookieIsHttpOnly =
        browser.manage().getCookieNamed("attache_session").isHttpOnly();

    browser.get(app("/oauth2/logout"));
    shows(By.name("username"));

    assertThat(loginPage).startsWith(provider.authorizationEndpointUrl("idp").toString());
    assertThat(greeting).isEqualTo("hello alice");
    assertThat(landed).isEqualTo(app("/reports"));
    assertThat(sessionCookieIsHttpOnly).isTrue();
    assertThat(browser.manage().getCookieNamed("attache_session")).isNull();
  }
}
