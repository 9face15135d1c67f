package io.attache.authz.identity.apikey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
public final class ApiKeyFile implements Supplier<List<ApiKey>> {
  private static final Logger log = LoggerFactory.getLogger(ApiKeyFile.class);

  private final Path file;
  private final AtomicReference<List<ApiKey>> keys = new AtomicReference<>(List.of());
  private String lastContent;

  /** Reads the file now; problems found are added to {@code problems} (and nothing loads). */
  public ApiKeyFile(Path file, List<String> problems) {
    this.file = file;
    List<String> found = reload();
    problems.addAll(found);
  }

  @Override
  public List<ApiKey> get() {
    return keys.get();
  }

  /** Re-reads the file if it changed; returns the problems of this read (empty when fine). */
  public synchronized List<String> reload() {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(file + ": cannot read API keys: " + e.getMessage());
    }
    if (content.equals(lastContent)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    List<ApiKey> parsed = parse(content, problems);
    if (problems.isEmpty()) {
      keys.set(parsed);
      lastContent = content;
      log.info("API keys loaded from {}: {} key(s)", file, parsed.size());
    } else {
      problems.forEach(p -> log.error("API keys rejected, keeping the previous ones: {}", p));
    }
    return problems;
  }

  private List<ApiKey> parse(String content, List<String> problems) {
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
