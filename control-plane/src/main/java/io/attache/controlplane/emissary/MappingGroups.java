package io.attache.controlplane.emissary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mappings that match the same requests form one group, whose traffic they share by weight
 * (irhttpmapping.py {@code _group_id}: method, prefix, headers, query parameters, precedence; and
 * the host). Weights as irbasemappinggroup.py {@code normalize_weights_in_mappings} gives them: a
 * Mapping with {@code weight} gets that share; the rest is split evenly among those without,
 * rounded half to even as Python's {@code round} does, the last taking what remains.
 */
final class MappingGroups {
  private MappingGroups() {}

  /** One group: its Mappings in name order, and each one's share of 100. */
  record Group(List<EmissaryMapping> mappings, List<Integer> weights) {
    EmissaryMapping primary() {
      return mappings.get(0);
    }
  }

  static List<Group> of(List<EmissaryMapping> mappings) {
    Map<String, List<EmissaryMapping>> byKey = new TreeMap<>();
    for (EmissaryMapping mapping : mappings) {
      byKey.computeIfAbsent(key(mapping), k -> new ArrayList<>()).add(mapping);
    }
    List<Group> groups = new ArrayList<>();
    for (List<EmissaryMapping> members : byKey.values()) {
      members.sort(Comparator.comparing(EmissaryMapping::key));
      groups.add(new Group(List.copyOf(members), weights(members)));
    }
    return groups;
  }

  private static String key(EmissaryMapping m) {
    return String.join(
        "\u0000",
        m.hostname().orElse(m.extensions().hostRegex().map(r -> "\u0002" + r).orElse("")),
        m.method().orElse(m.extensions().methodRegex().map(r -> "\u0002" + r).orElse("GET")),
        m.pathKind().name(),
        m.prefix(),
        new TreeMap<>(nullsAsPresent(m.headers())).toString(),
        new TreeMap<>(m.regexHeaders()).toString(),
        new TreeMap<>(nullsAsPresent(m.queryParameters())).toString(),
        new TreeMap<>(m.regexQueryParameters()).toString(),
        Integer.toString(m.precedence()));
  }

  private static Map<String, String> nullsAsPresent(Map<String, String> values) {
    Map<String, String> copy = new TreeMap<>();
    values.forEach((name, value) -> copy.put(name, value == null ? "\u0001present" : value));
    return copy;
  }

  /** Each Mapping's share, in the group's order; over 100 in total is refused by the caller. */
  static List<Integer> weights(List<EmissaryMapping> members) {
    List<Integer> shares = new ArrayList<>();
    if (members.size() == 1) {
      return List.of(100);
    }
    int weighted = 0;
    int weightless = 0;
    for (EmissaryMapping m : members) {
      if (m.weight().isPresent()) {
        weighted += m.weight().getAsInt();
      } else {
        weightless++;
      }
    }
    int each = weightless == 0 ? 0 : (int) Math.rint((100.0 - weighted) / weightless);
    int given = weighted;
    int seen = 0;
    for (EmissaryMapping m : members) {
      if (m.weight().isPresent()) {
        shares.add(m.weight().getAsInt());
      } else if (++seen == weightless) {
        shares.add(Math.max(0, 100 - given));
      } else {
        int share = Math.max(0, Math.min(each, 100 - given));
        shares.add(share);
        given += share;
      }
    }
    return List.copyOf(shares);
  }

  static int total(Group group) {
    return group.mappings().stream()
        .filter(m -> m.weight().isPresent())
        .mapToInt(m -> m.weight().getAsInt())
        .sum();
  }
}
