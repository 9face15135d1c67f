package io.attache.authz.identity.apikey;

import io.attache.authz.identity.ReloadingFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * API keys kept in a file (a mounted Secret, say), re-read when it changes:
 *
 * <pre>
 * keys:
 *   - {sha256: 64-hex-digest, principal: billing-job, metadata: {tier: gold}}
 *   - {key: plain-text-key, principal: dev}
 * </pre>
 *
 * A change that does not parse is logged with the file and field and the keys in force stay.
 */
public final class ApiKeyFile {
  private ApiKeyFile() {}

  /** Reads the file now and keeps it for reloads; problems found are added to {@code problems}. */
  public static ReloadingFile<List<ApiKey>> open(Path file, List<String> problems) {
    return new ReloadingFile<>(
        file, "API keys", List.of(), (content, found) -> parse(file, content, found), problems);
  }

  private static List<ApiKey> parse(Path file, String content, List<String> problems) {
    List<ApiKey> parsed = new ArrayList<>();
    Object root;
    try {
      root =
          new Load(LoadSettings.builder().setLabel(file.toString()).build())
              .loadFromString(content);
    } catch (YamlEngineException e) {
      problems.add(file + ": not valid YAML: " + e.getMessage());
      return parsed;
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("keys") instanceof List<?> entries)) {
      problems.add(file + ": keys: must be a list of {sha256 or key, principal, metadata}");
      return parsed;
    }
    for (int i = 0; i < entries.size(); i++) {
      String path = file + ": keys[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        problems.add(path + ": must be a mapping");
        continue;
      }
      Object principal = entry.get("principal");
      if (principal == null || String.valueOf(principal).isEmpty()) {
        problems.add(path + ".principal: is required");
        continue;
      }
      byte[] digest;
      if (entry.containsKey("key") == entry.containsKey("sha256")) {
        problems.add(path + ": must have exactly one of key, sha256");
        continue;
      } else if (entry.containsKey("key")) {
        digest = ApiKeyVerifier.sha256(String.valueOf(entry.get("key")));
      } else {
        try {
          digest = HexFormat.of().parseHex(String.valueOf(entry.get("sha256")));
        } catch (IllegalArgumentException e) {
          digest = new byte[0];
        }
        if (digest.length != 32) {
          problems.add(path + ".sha256: must be 64 hex digits");
          continue;
        }
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      if (entry.get("metadata") instanceof Map<?, ?> raw) {
        raw.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
      }
      parsed.add(new ApiKey(digest, String.valueOf(principal), metadata));
    }
    return parsed;
  }
}
