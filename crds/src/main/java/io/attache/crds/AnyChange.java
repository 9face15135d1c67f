package io.attache.crds;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * An informer handler that runs one action on every add, update and delete: for watchers that
 * recompute from the informer's whole store rather than apply each event. A status-only update runs
 * it too; recomputing then gives the same result.
 */
public record AnyChange<T>(Runnable action) implements ResourceEventHandler<T> {
  @Override
  public void onAdd(T resource) {
    action.run();
  }

  @Override
  public void onUpdate(T before, T after) {
    action.run();
  }

  @Override
  public void onDelete(T resource, boolean finalStateUnknown) {
    action.run();
  }
}
