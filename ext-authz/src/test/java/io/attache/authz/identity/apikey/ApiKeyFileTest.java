package io.attache.authz.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.attache.authz.identity.ReloadingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyFileTest {
  @TempDir Path dir;

  @Test
  void keysAreReadAndARotatedFileIsPickedUp() throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(file, "keys:\n  - {key: old-key, principal: job, metadata: {tier: gold}}\n");
    List<String> problems = new ArrayList<>();
    ReloadingFile<List<ApiKey>> keys = ApiKeyFile.open(file, problems);

    assertThat(problems).isEmpty();
    assertThat(keys.get())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.principal()).isEqualTo("job");
              assertThat(k.metadata()).containsEntry("tier", "gold");
            });

    String digest = HexFormat.of().formatHex(ApiKeyVerifier.sha256("new-key"));
    Files.writeString(file, "keys:\n  - {sha256: " + digest + ", principal: job}\n");
    assertThat(keys.reload()).isEmpty();

    assertThat(keys.get().get(0).sha256()).isEqualTo(ApiKeyVerifier.sha256("new-key"));
  }

  @Test
  void aBrokenFileIsReportedByFieldAndTheKeysInForceStay() throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(file, "keys:\n  - {key: k, principal: p}\n");
    ReloadingFile<List<ApiKey>> keys = ApiKeyFile.open(file, new ArrayList<>());

    Files.writeString(file, "keys:\n  - {sha256: nothex, principal: p}\n  - {key: k2}\n");
    List<String> problems = keys.reload();

    assertThat(problems)
        .containsExactly(
            file + ": keys[0].sha256: must be 64 hex digits",
            file + ": keys[1].principal: is required");
    assertThat(keys.get()).singleElement().extracting(ApiKey::principal).isEqualTo("p");
  }
}
