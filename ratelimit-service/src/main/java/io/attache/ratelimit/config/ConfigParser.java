package io.attache.ratelimit.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads the reference rate-limit service's YAML files into a {@link RateLimitConfig}.
 *
 * <p>Accepts exactly the reference's keys and rejects what it rejects, with its wording, but
 * reports every error of every file at once, each with file, line and field path. Several files may
 * share a domain only when {@code mergeDomains} is set ({@code MERGE_DOMAIN_CONFIG}). Files are
 * read in the order given; callers sort them by name so the result never depends on directory
 * order.
 */
public final class ConfigParser {
  private static final Set<String> VALID_KEYS =
      Set.of(
          "domain",
          "key",
          "value",
          "descriptors",
          "rate_limit",
          "unit",
          "window",
          "algorithm",
          "burst",
          "requests_per_unit",
          "unlimited",
          "shadow_mode",
          "quota_mode",
          "name",
          "replaces",
          "detailed_metric",
          "value_to_metric",
          "share_threshold",
          "metadata");
  private static final long MAX_UINT32 = 4_294_967_295L;

  /** A RateLimitPolicy's fields for the control plane alone, left out of a policy file's spec. */
  private static final Set<String> CONTROL_PLANE_FIELDS =
      Set.of("targetRefs", "descriptorSources", "local", "mergeStrategy");

  private final boolean mergeDomains;

  public ConfigParser(boolean mergeDomains) {
    this.mergeDomains = mergeDomains;
  }

  /** A file to load: its name (for errors) and its text. */
  public record Source(String name, String content) {}

  public RateLimitConfig load(List<Source> sources) throws ConfigException {
    List<ConfigError> errors = new ArrayList<>();
    Map<String, Builder> domains = new LinkedHashMap<>();
    for (Source source : sources) {
      new FileReader(source, errors).read(domains, mergeDomains);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    Map<String, DescriptorNode> built = new LinkedHashMap<>();
    domains.forEach((name, builder) -> built.put(name, builder.build()));
    return new RateLimitConfig(
        built, sources.stream().map(Source::name).toList(), version(sources));
  }

  private static String version(List<Source> sources) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Source source : sources) {
        digest.update(source.name().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(source.content().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node under construction. */
  private static final class Builder {
    final Map<String, Builder> children = new LinkedHashMap<>();
    final List<String> wildcardKeys = new ArrayList<>();
    RateLimitRule limit;
    boolean detailedMetric;
    boolean valueToMetric;
    boolean shareThreshold;
    String pattern;

    DescriptorNode build() {
      Map<String, DescriptorNode> built = new LinkedHashMap<>();
      children.forEach((key, child) -> built.put(key, child.build()));
      List<DescriptorNode.Wildcard> wildcards = new ArrayList<>();
      for (String key : wildcardKeys) {
        wildcards.add(new DescriptorNode.Wildcard(key, built.get(key)));
      }
      return new DescriptorNode(
          built,
          wildcards,
          Optional.ofNullable(limit),
          detailedMetric,
          valueToMetric,
          shareThreshold,
          Optional.ofNullable(pattern));
    }
  }

  /** Reads one file, adding its errors to the shared list. */
  private static final class FileReader {
    private final Source source;
    private final List<ConfigError> errors;

    FileReader(Source source, List<ConfigError> errors) {
      this.source = source;
      this.errors = errors;
    }

    void read(Map<String, Builder> domains, boolean mergeDomains) {
      Optional<Node> root = compose().map(this::policySpec);
      if (root.isEmpty()) {
        return;
      }
      int before = errors.size();
      validateKeys(root.get(), "");
      if (errors.size() > before) {
        return;
      }
      if (!(root.get() instanceof MappingNode mapping)) {
        error(root.get(), "", "the file must hold a mapping with 'domain' and 'descriptors'");
        return;
      }
      Map<String, NodeTuple> fields = fields(mapping);
      String domain = scalar(fields, "domain", "domain").orElse("");
      if (domain.isEmpty()) {
        error(mapping, "domain", "config file cannot have empty domain");
        return;
      }
      Builder target = domains.get(domain);
      if (target != null && !mergeDomains) {
        error(
            fields.get("domain").getKeyNode(),
            "domain",
            "duplicate domain '" + domain + "' in config file");
        return;
      }
      if (target == null) {
        target = new Builder();
        domains.put(domain, target);
      }
      NodeTuple descriptors = fields.get("descriptors");
      if (descriptors != null) {
        loadDescriptors(target, domain + ".", descriptors.getValueNode(), "descriptors");
      }
    }

    /**
     * A {@code RateLimitPolicy} document (what {@code kubectl apply} takes) read from a file: its
     * {@code spec} is the reference's format; {@code targetRefs}, {@code descriptorSources}, {@code
     * local} (Envoy's own token bucket) and {@code mergeStrategy} are the control plane's and are
     * left out. Any other document is returned as it is.
     */
    private Node policySpec(Node root) {
      if (!(root instanceof MappingNode mapping)) {
        return root;
      }
      Map<String, NodeTuple> fields = fields(mapping);
      NodeTuple kind = fields.get("kind");
      if (kind == null
          || !(kind.getValueNode() instanceof ScalarNode value)
          || !value.getValue().equals("RateLimitPolicy")) {
        return root;
      }
      NodeTuple spec = fields.get("spec");
      if (spec == null || !(spec.getValueNode() instanceof MappingNode specMapping)) {
        error(mapping, "spec", "a RateLimitPolicy needs a spec with 'domain' and 'descriptors'");
        return new MappingNode(mapping.getTag(), List.of(), mapping.getFlowStyle());
      }
      List<NodeTuple> limits = new ArrayList<>();
      for (NodeTuple tuple : specMapping.getValue()) {
        String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
        if (!CONTROL_PLANE_FIELDS.contains(key)) {
          limits.add(tuple);
        }
      }
      return new MappingNode(specMapping.getTag(), limits, specMapping.getFlowStyle());
    }

    private Optional<Node> compose() {
      LoadSettings settings =
          LoadSettings.builder().setLabel(source.name()).setCodePointLimit(8 * 1024 * 1024).build();
      try {
        Composer composer =
            new Composer(
                settings, new ParserImpl(settings, new StreamReader(settings, source.content())));
        Optional<Node> node = composer.getSingleNode();
        if (node.isEmpty()) {
          errors.add(
              new ConfigError(source.name(), 0, "domain", "config file cannot have empty domain"));
        }
        return node;
      } catch (MarkedYamlEngineException e) {
        int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
        errors.add(
            new ConfigError(
                source.name(), line, "", "error loading config file: " + e.getProblem()));
        return Optional.empty();
      } catch (YamlEngineException e) {
        errors.add(
            new ConfigError(source.name(), 0, "", "error loading config file: " + e.getMessage()));
        return Optional.empty();
      }
    }

    /** The reference's key check: every mapping key known, every list element a mapping. */
    private void validateKeys(Node node, String path) {
      if (node instanceof MappingNode mapping) {
        Set<String> seen = new java.util.HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
          if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
            error(tuple.getKeyNode(), path, "config error, key is not of type string");
            continue;
          }
          String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          if (!seen.add(key.getValue())) {
            error(key, childPath, "key '" + key.getValue() + "' already set in map");
            continue;
          }
          if (!VALID_KEYS.contains(key.getValue())) {
            error(key, childPath, "config error, unknown key '" + key.getValue() + "'");
            continue;
          }
          if (!key.getValue().equals("metadata")) { // free-form: its keys are the user's
            validateKeys(tuple.getValueNode(), childPath);
          }
        }
      } else if (node instanceof SequenceNode sequence) {
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
          Node item = items.get(i);
          String itemPath = path + "[" + i + "]";
          if (!(item instanceof MappingNode)) {
            error(item, itemPath, "config error, yaml file contains list of type other than map");
          } else {
            validateKeys(item, itemPath);
          }
        }
      }
    }

    private void loadDescriptors(Builder parent, String parentKey, Node node, String path) {
      if (!(node instanceof SequenceNode sequence)) {
        if (!(node instanceof ScalarNode scalar && scalar.getValue().isEmpty())) {
          error(node, path, "must be a list of descriptors");
        }
        return;
      }
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        loadDescriptor(parent, parentKey, (MappingNode) items.get(i), path + "[" + i + "]");
      }
    }

    private void loadDescriptor(Builder parent, String parentKey, MappingNode node, String path) {
      Map<String, NodeTuple> fields = fields(node);
      String key = scalar(fields, "key", path + ".key").orElse("");
      if (key.isEmpty()) {
        error(node, path + ".key", "descriptor has empty key");
        return;
      }
      String value = scalar(fields, "value", path + ".value").orElse("");
      String finalKey = value.isEmpty() ? key : key + "_" + value;
      String fullKey = parentKey + finalKey;
      if (parent.children.containsKey(finalKey)) {
        error(node, path, "duplicate descriptor composite key '" + fullKey + "'");
        return;
      }
      boolean shadowMode = bool(fields, "shadow_mode", path);
      boolean quotaMode = bool(fields, "quota_mode", path);
      Builder child = new Builder();
      child.detailedMetric = bool(fields, "detailed_metric", path);
      child.valueToMetric = bool(fields, "value_to_metric", path);
      child.shareThreshold = bool(fields, "share_threshold", path);
      if (child.shareThreshold && !value.contains("*")) {
        error(
            fields.get("share_threshold").getKeyNode(),
            path + ".share_threshold",
            "share_threshold can only be used with wildcard values (containing '*'), got value '"
                + value
                + "'");
      }
      NodeTuple rateLimit = fields.get("rate_limit");
      if (rateLimit != null) {
        child.limit =
            rule(rateLimit.getValueNode(), path + ".rate_limit", fullKey, shadowMode, quotaMode);
      }
      if (value.contains("*")) {
        child.pattern = finalKey;
        parent.wildcardKeys.add(finalKey);
      }
      parent.children.put(finalKey, child);
      NodeTuple descriptors = fields.get("descriptors");
      if (descriptors != null) {
        loadDescriptors(child, fullKey + ".", descriptors.getValueNode(), path + ".descriptors");
      }
    }

    private RateLimitRule rule(
        Node node, String path, String fullKey, boolean shadowMode, boolean quotaMode) {
      if (!(node instanceof MappingNode mapping)) {
        error(node, path, "must be a mapping with unit and requests_per_unit");
        return null;
      }
      Map<String, NodeTuple> fields = fields(mapping);
      boolean unlimited = bool(fields, "unlimited", path);
      String unitName = scalar(fields, "unit", path + ".unit").orElse("");
      Optional<Unit> unit = Unit.parse(unitName);
      int errorsBefore = errors.size();
      Optional<Window> window = unit.map(Window::of);
      if (fields.containsKey("window")) {
        window = window(fields, path, unlimited);
      } else if (unlimited) {
        if (unit.isPresent()) {
          error(
              fields.get("unit").getKeyNode(),
              path + ".unit",
              "should not specify rate limit unit when unlimited");
        }
      } else if (unit.isEmpty()) {
        error(
            fields.containsKey("unit") ? fields.get("unit").getValueNode() : mapping,
            path + ".unit",
            "invalid rate limit unit '" + unitName + "'");
      }
      long requestsPerUnit = 0;
      NodeTuple rpu = fields.get("requests_per_unit");
      if (rpu != null) {
        requestsPerUnit = uint32(rpu.getValueNode(), path + ".requests_per_unit");
      }
      Optional<String> name = scalar(fields, "name", path + ".name").filter(n -> !n.isEmpty());
      List<String> replaces = new ArrayList<>();
      NodeTuple replacesTuple = fields.get("replaces");
      if (replacesTuple != null && replacesTuple.getValueNode() instanceof SequenceNode list) {
        for (int i = 0; i < list.getValue().size(); i++) {
          Map<String, NodeTuple> entry = fields((MappingNode) list.getValue().get(i));
          String itemPath = path + ".replaces[" + i + "]";
          String replaced = scalar(entry, "name", itemPath + ".name").orElse("");
          if (replaced.isEmpty()) {
            error(list.getValue().get(i), itemPath, "should not have an empty replaces entry");
          } else if (name.isPresent() && replaced.equals(name.get())) {
            error(
                list.getValue().get(i),
                itemPath,
                "replaces should not contain name of same descriptor");
          }
          replaces.add(replaced);
        }
      } else if (replacesTuple != null) {
        error(replacesTuple.getValueNode(), path + ".replaces", "must be a list of {name: ...}");
      }
      Algorithm algorithm = algorithm(fields, path);
      long burst = burst(fields, path, algorithm, requestsPerUnit);
      if (errors.size() > errorsBefore) {
        return null;
      }
      RateLimitRule rule =
          new RateLimitRule(
              name,
              requestsPerUnit,
              unlimited ? Optional.empty() : window,
              unlimited,
              replaces,
              shadowMode,
              quotaMode,
              fullKey,
              algorithm,
              burst);
      bucketFits(rule, mapping, path);
      return rule;
    }

    /**
     * {@code algorithm} (our extension): fixed_window, the default, sliding_window or token_bucket.
     */
    private Algorithm algorithm(Map<String, NodeTuple> fields, String path) {
      if (!fields.containsKey("algorithm")) {
        return Algorithm.FIXED_WINDOW;
      }
      String name = scalar(fields, "algorithm", path + ".algorithm").orElse("");
      Optional<Algorithm> algorithm = Algorithm.parse(name);
      if (algorithm.isEmpty()) {
        error(
            fields.get("algorithm").getValueNode(),
            path + ".algorithm",
            "unknown algorithm '" + name + "': fixed_window, sliding_window or token_bucket");
        return Algorithm.FIXED_WINDOW;
      }
      return algorithm.get();
    }

    /**
     * {@code burst} (our extension): a token bucket's capacity, {@code requests_per_unit} unless
     * given; at least 1, and only on a token bucket.
     */
    private long burst(
        Map<String, NodeTuple> fields, String path, Algorithm algorithm, long requestsPerUnit) {
      if (!fields.containsKey("burst")) {
        return algorithm == Algorithm.TOKEN_BUCKET ? requestsPerUnit : 0;
      }
      NodeTuple tuple = fields.get("burst");
      if (algorithm != Algorithm.TOKEN_BUCKET) {
        error(tuple.getKeyNode(), path + ".burst", "burst is for algorithm token_bucket only");
        return 0;
      }
      long burst = uint32(tuple.getValueNode(), path + ".burst");
      if (burst < 1) {
        error(tuple.getValueNode(), path + ".burst", "must be at least 1");
      }
      return burst;
    }

    /**
     * A token bucket's capacity in micros (burst × window / requests) is counted exactly in Redis's
     * Lua numbers only below 2^53.
     */
    private void bucketFits(RateLimitRule rule, Node node, String path) {
      if (!rule.bucketFits()) {
        error(node, path + ".burst", "burst × window / requests_per_unit is more than 2^53 µs");
      }
    }

    /**
     * {@code window} (our extension): a length in place of {@code unit}, never with it, never on an
     * unlimited rule.
     */
    private Optional<Window> window(Map<String, NodeTuple> fields, String path, boolean unlimited) {
      NodeTuple tuple = fields.get("window");
      if (fields.containsKey("unit")) {
        error(tuple.getKeyNode(), path + ".window", "give unit or window, not both");
        return Optional.empty();
      }
      if (unlimited) {
        error(tuple.getKeyNode(), path + ".window", "should not specify a window when unlimited");
        return Optional.empty();
      }
      String text = scalar(fields, "window", path + ".window").orElse("");
      Optional<Window> window = Window.parse(text);
      if (window.isEmpty()) {
        error(
            tuple.getValueNode(),
            path + ".window",
            "invalid window '"
                + text
                + "': a whole number of s, m, h or d, e.g. 5s, at most a year (365d)");
      }
      return window;
    }

    private Map<String, NodeTuple> fields(MappingNode node) {
      Map<String, NodeTuple> fields = new LinkedHashMap<>();
      for (NodeTuple tuple : node.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          fields.put(key.getValue(), tuple);
        }
      }
      return fields;
    }

    private Optional<String> scalar(Map<String, NodeTuple> fields, String name, String path) {
      NodeTuple tuple = fields.get(name);
      if (tuple == null) {
        return Optional.empty();
      }
      if (tuple.getValueNode() instanceof ScalarNode scalar) {
        return Optional.of(scalar.getValue());
      }
      error(tuple.getValueNode(), path, "must be a string");
      return Optional.empty();
    }

    /** Booleans as YAML 1.1 (Go's yaml.v2) reads them. */
    private boolean bool(Map<String, NodeTuple> fields, String name, String path) {
      NodeTuple tuple = fields.get(name);
      if (tuple == null) {
        return false;
      }
      if (tuple.getValueNode() instanceof ScalarNode scalar) {
        switch (scalar.getValue()) {
          case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> {
            return true;
          }
          case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N", "" -> {
            return false;
          }
          default -> {
            // fall through to the error below
          }
        }
      }
      error(tuple.getValueNode(), path + "." + name, "must be true or false");
      return false;
    }

    private long uint32(Node node, String path) {
      if (node instanceof ScalarNode scalar) {
        String text = scalar.getValue().replace("_", "");
        try {
          long value =
              text.startsWith("0x") || text.startsWith("0X")
                  ? Long.parseLong(text.substring(2), 16)
                  : Long.parseLong(text);
          if (value >= 0 && value <= MAX_UINT32) {
            return value;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        error(
            node,
            path,
            "must be a whole number from 0 to 4294967295, got '" + scalar.getValue() + "'");
        return 0;
      }
      error(node, path, "must be a whole number from 0 to 4294967295");
      return 0;
    }

    private void error(Node node, String path, String message) {
      int line = node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
      errors.add(new ConfigError(source.name(), line, path, message));
    }
  }
}
