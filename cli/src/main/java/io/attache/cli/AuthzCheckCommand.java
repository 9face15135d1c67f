package io.attache.cli;

import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.app.LocalPolicyParser;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyException;
import io.attache.authz.policy.PolicyParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attache authz check}: the decision ext-authz would make for one request, and why. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Decides one request against AuthPolicy files, as ext-authz would, and says why.",
      "Example: attache authz check --policy examples/policies/example.yaml --path /orders \\",
      "           -H 'x-api-key: demo-key'",
      "Exit codes: 0 allowed, 1 denied, 2 bad usage or invalid policies."
    })
final class AuthzCheckCommand implements Callable<Integer> {
  @Option(
      names = "--policy",
      required = true,
      description = "AuthPolicy file(s); repeat for several")
  List<Path> policies;

  @Option(names = "--method", defaultValue = "GET", description = "HTTP method (default GET)")
  String method;

  @Option(names = "--host", defaultValue = "localhost", description = "the :authority")
  String host;

  @Option(names = "--path", required = true, description = "path, with a query string if any")
  String path;

  @Option(
      names = {"-H", "--header"},
      description = "a request header, 'name: value'")
  List<String> headers = new ArrayList<>();

  @Option(names = "--source", defaultValue = "127.0.0.1:40000", description = "peer address")
  String source;

  @Option(names = "--principal", description = "the mTLS peer principal Envoy would report")
  String principal;

  @Override
  public Integer call() {
    return check(this, System.out, System.err);
  }

  static int check(AuthzCheckCommand command, PrintStream out, PrintStream err) {
    Map<String, String> headerMap = new LinkedHashMap<>();
    for (String header : command.headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        err.println("attache authz check: -H '" + header + "': expected 'name: value'");
        return 2;
      }
      headerMap.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    try (JwtPolicyFactory jwt = new JwtPolicyFactory(Clock.systemUTC());
        LocalPolicyParser local = new LocalPolicyParser(jwt)) {
      PolicyParser parser = local.parser();
      List<AuthPolicy> loaded = new ArrayList<>();
      for (Path file : command.policies) {
        try {
          loaded.addAll(
              parser.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        } catch (PolicyException e) {
          e.errors().forEach(err::println);
          return 2;
        } catch (IOException e) {
          err.println("attache authz check: cannot read " + file + ": " + e.getMessage());
          return 2;
        }
      }
      jwt.awaitKeys(Duration.ofSeconds(5));
      int question = command.path.indexOf('?');
      CheckInput input =
          new CheckInput(
              new HttpAttributes(
                  command.method.toUpperCase(Locale.ROOT),
                  command.host,
                  question < 0 ? command.path : command.path.substring(0, question),
                  question < 0 ? "" : command.path.substring(question + 1),
                  headerMap,
                  "https",
                  Optional.empty()),
              new PeerAttributes(command.source, Optional.ofNullable(command.principal)),
              Map.of());
      Decision decision = new Authorizer(() -> loaded, false).check(input);
      print(decision, out);
      return decision.allowed() ? 0 : 1;
    }
  }

  private static void print(Decision decision, PrintStream out) {
    out.println(
        (decision.allowed() ? "ALLOW" : "DENY")
            + " "
            + decision.httpStatus()
            + " "
            + decision.reason().code());
    decision.policy().ifPresent(p -> out.println("  policy:    " + p));
    decision.rule().ifPresent(r -> out.println("  rule:      " + r));
    decision
        .identity()
        .ifPresent(i -> out.println("  identity:  " + i.principal() + " (" + i.method() + ")"));
    for (Decision.Header header : decision.upstreamHeaders()) {
      out.println("  upstream:  " + header.name() + ": " + header.value());
    }
    decision.headersToRemove().forEach(h -> out.println("  remove:    " + h));
    decision.dynamicMetadata().forEach((k, v) -> out.println("  metadata:  " + k + "=" + v));
    for (Decision.Header header : decision.responseHeaders()) {
      out.println("  response:  " + header.name() + ": " + header.value());
    }
  }
}
