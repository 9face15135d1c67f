package io.attache.ratelimit.config;

import io.attache.crds.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Merges rate-limit policies (the {@code RateLimitPolicy} resources, already turned into the YAML
 * tree they carry) deterministically: in namespace/name order, each policy is validated on its own,
 * then added to what was accepted before it. A policy that is invalid, claims a domain the files
 * already configure, or collides with an earlier policy (the same descriptor twice) is left out
 * with a verdict saying why; the others still apply.
 */
public final class PolicyMerger {
  private final ConfigParser parser = new ConfigParser(true);

  /** A policy to merge: its id ({@code namespace/name}), generation and spec as YAML or JSON. */
  public record Policy(String id, long generation, String spec) {}

  /** The merged configuration of every accepted policy, and a verdict for each policy. */
  public record Result(RateLimitConfig config, Map<String, Verdict> verdicts) {}

  public Result merge(List<Policy> policies, Set<String> domainsTakenByFiles) {
    List<Policy> ordered = new ArrayList<>(policies);
    ordered.sort(Comparator.comparing(Policy::id));
    List<ConfigParser.Source> accepted = new ArrayList<>();
    Map<String, String> domainOwners = new LinkedHashMap<>();
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    for (Policy policy : ordered) {
      ConfigParser.Source source = new ConfigParser.Source(policy.id(), policy.spec());
      RateLimitConfig alone;
      try {
        alone = parser.load(List.of(source));
      } catch (ConfigException e) {
        verdicts.put(policy.id(), rejected(Verdict.INVALID, describe(e.errors()), policy));
        continue;
      }
      String domain = alone.domains().keySet().iterator().next();
      if (domainsTakenByFiles.contains(domain)) {
        verdicts.put(
            policy.id(),
            rejected(
                Verdict.CONFLICTED,
                "spec.domain: domain '" + domain + "' is already configured by a file",
                policy));
        continue;
      }
      List<ConfigParser.Source> candidate = new ArrayList<>(accepted);
      candidate.add(source);
      try {
        parser.load(candidate);
      } catch (ConfigException e) {
        verdicts.put(
            policy.id(),
            rejected(
                Verdict.CONFLICTED,
                describe(e.errors())
                    + " (domain '"
                    + domain
                    + "' is also defined by "
                    + domainOwners.getOrDefault(domain, "another policy")
                    + ")",
                policy));
        continue;
      }
      accepted.add(source);
      domainOwners.putIfAbsent(domain, policy.id());
      verdicts.put(
          policy.id(),
          new Verdict(
              true, Verdict.ACCEPTED, "merged into domain '" + domain + "'", policy.generation()));
    }
    try {
      return new Result(parser.load(accepted), verdicts);
    } catch (ConfigException e) {
      // Each accepted source was checked together with the ones before it.
      throw new IllegalStateException("accepted policies no longer merge: " + e.getMessage(), e);
    }
  }

  private static Verdict rejected(String reason, String message, Policy policy) {
    return new Verdict(false, reason, message, policy.generation());
  }

  /** Field errors as Kubernetes reports them: {@code spec.<path>: <reason>}, joined. */
  private static String describe(List<ConfigError> errors) {
    return errors.stream()
        .map(e -> "spec" + (e.path().isEmpty() ? "" : "." + e.path()) + ": " + e.message())
        .collect(Collectors.joining("; "));
  }
}
