package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.attache.controlplane.translate.Translator;
import io.attache.runtime.WatchedDirectory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the resources the control plane reads (Services, EndpointSlices, Gateways,
 * HTTPRoutes, GRPCRoutes, ReferenceGrants, TLS Secrets, TrafficPolicies, AuthPolicies and
 * RateLimitPolicies): any files parse into a cluster state or a list of errors, each naming a
 * reason, never an exception; and a state that parses translates to xDS without one (a translation
 * that threw would freeze every update). A NUL in the input starts another file.
 */
class ResourceParserFuzzTest {
  private static final ResourceParser PARSER = new ResourceParser();

  @FuzzTest
  void parsesOrNamesEveryError(byte[] input) {
    List<WatchedDirectory.File> files = new ArrayList<>();
    String[] contents = new String(input, StandardCharsets.UTF_8).split("\0", 4);
    for (int i = 0; i < contents.length; i++) {
      files.add(new WatchedDirectory.File("f" + i + ".yaml", contents[i]));
    }
    ParseResult result = PARSER.parse(files);
    if (result instanceof ParseResult.Invalid invalid) {
      assertThat(invalid.errors()).isNotEmpty();
      // A converter's exception is caught and reported, but is a bug all the same.
      assertThat(invalid.errors())
          .allSatisfy(
              error ->
                  assertThat(error.reason())
                      .isNotBlank()
                      .doesNotContain(ResourceKind.CONVERTER_BUG));
      return;
    }
    new Translator().translate(((ParseResult.Parsed) result).state());
  }
}
