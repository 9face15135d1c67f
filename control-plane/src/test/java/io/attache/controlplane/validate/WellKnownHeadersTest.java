package io.attache.controlplane.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.pgv.validate.Validate.KnownRegex;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PGV's header formats, checked by loops, agree with protoc-gen-validate's own expressions
 * (validate/validate.proto, KnownRegex) on names and values that sit at each edge.
 */
class WellKnownHeadersTest {
  private static final Pattern NAME_STRICT = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+\\-.^_|~`]+$");
  private static final Pattern VALUE_STRICT =
      Pattern.compile("^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$");
  private static final Pattern LOOSE = Pattern.compile("^[^\\u0000\\u000A\\u000D]*$");

  private static boolean holds(KnownRegex regex, boolean strict, String value) {
    List<Violation> out = new ArrayList<>();
    WellKnown.check(
        StringRules.newBuilder().setWellKnownRegex(regex).setStrict(strict).build(),
        value,
        Path.ROOT,
        out);
    return out.isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":",
        ":path",
        "::path",
        "x-request-id",
        "X_Weird~Token`|^",
        "a b",
        "a:b",
        "a\tb",
        "tab\t",
        "nul\u0000",
        "lf\n",
        "cr\r",
        "bell\u0007",
        "unit\u001f",
        "del\u007f",
        "caf\u00e9",
        "emoji\ud83d\ude00",
        "end\n\n"
      })
  void theLoopsSayWhatPgvsExpressionsSay(String value) {
    assertThat(holds(KnownRegex.HTTP_HEADER_NAME, true, value))
        .isEqualTo(NAME_STRICT.matcher(value).matches());
    assertThat(holds(KnownRegex.HTTP_HEADER_VALUE, true, value))
        .isEqualTo(VALUE_STRICT.matcher(value).matches());
    assertThat(holds(KnownRegex.HTTP_HEADER_NAME, false, value))
        .isEqualTo(LOOSE.matcher(value).matches());
    assertThat(holds(KnownRegex.HTTP_HEADER_VALUE, false, value))
        .isEqualTo(LOOSE.matcher(value).matches());
  }
}
