package io.attache.ratelimit.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the rate-limit configuration files (the reference's YAML and our extensions): any
 * text loads or is refused with a {@link ConfigException} listing at least one error, each with a
 * message. A NUL in the input splits it into two files loaded together with domains merged, as a
 * directory of files is.
 */
class ConfigParserFuzzTest {

  @FuzzTest
  void loadsOrListsItsErrors(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int nul = text.indexOf('\0');
    List<ConfigParser.Source> sources = new ArrayList<>();
    if (nul < 0) {
      sources.add(new ConfigParser.Source("config.yaml", text));
    } else {
      sources.add(new ConfigParser.Source("a.yaml", text.substring(0, nul)));
      sources.add(new ConfigParser.Source("b.yaml", text.substring(nul + 1)));
    }
    try {
      new ConfigParser(nul >= 0).load(sources);
    } catch (ConfigException e) {
      assertThat(e.errors()).isNotEmpty();
      assertThat(e.errors()).allSatisfy(error -> assertThat(error.message()).isNotBlank());
    }
  }
}
