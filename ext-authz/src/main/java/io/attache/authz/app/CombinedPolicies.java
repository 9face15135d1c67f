package io.attache.authz.app;

import io.attache.authz.policy.AuthPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * File policies, then resource policies, as one list; rebuilt only when either source hands out a
 * new list (they replace their lists whole), so the request path allocates nothing.
 */
final class CombinedPolicies implements Supplier<List<AuthPolicy>> {
  private final Supplier<List<AuthPolicy>> files;
  private final Supplier<List<AuthPolicy>> resources;
  private volatile Snapshot snapshot = new Snapshot(null, null, List.of());

  private record Snapshot(
      List<AuthPolicy> files, List<AuthPolicy> resources, List<AuthPolicy> all) {}

  CombinedPolicies(Supplier<List<AuthPolicy>> files, Supplier<List<AuthPolicy>> resources) {
    this.files = files;
    this.resources = resources;
  }

  @Override
  public List<AuthPolicy> get() {
    List<AuthPolicy> fromFiles = files.get();
    List<AuthPolicy> fromResources = resources.get();
    Snapshot current = snapshot;
    if (current.files() == fromFiles && current.resources() == fromResources) {
      return current.all();
    }
    List<AuthPolicy> all = new ArrayList<>(fromFiles);
    all.addAll(fromResources);
    snapshot = new Snapshot(fromFiles, fromResources, List.copyOf(all));
    return snapshot.all();
  }
}
