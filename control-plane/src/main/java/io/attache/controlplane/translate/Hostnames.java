package io.attache.controlplane.translate;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Gateway API hostname intersection between a listener and a route. */
final class Hostnames {
  private Hostnames() {}

  static Set<String> intersect(Optional<String> listener, List<String> route) {
    Set<String> hosts = new LinkedHashSet<>();
    if (listener.isEmpty()) {
      hosts.addAll(route.isEmpty() ? List.of("*") : route);
      return hosts;
    }
    String l = listener.get();
    if (route.isEmpty()) {
      hosts.add(l);
      return hosts;
    }
    for (String r : route) {
      if (r.equals(l) || covers(l, r)) {
        hosts.add(r);
      } else if (covers(r, l)) {
        hosts.add(l);
      }
    }
    return hosts;
  }

  /** Whether some request host would match both {@code a} and {@code b} ({@code *}: any). */
  static boolean overlap(String a, String b) {
    return a.equals("*") || b.equals("*") || a.equals(b) || covers(a, b) || covers(b, a);
  }

  /** Whether wildcard {@code pattern} ({@code *.example.com}) covers {@code host}. */
  private static boolean covers(String pattern, String host) {
    return pattern.startsWith("*.")
        && host.endsWith(pattern.substring(1))
        && host.length() > pattern.length() - 1
        && !(host.startsWith("*.") && host.length() <= pattern.length());
  }
}
