package io.attache.authz.identity;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Calls in flight by key: a caller asking while the call for its key runs shares that call instead
 * of starting another (a password hash, an introspection, a session refresh), and the key is free
 * again once the call completes.
 */
public final class SharedCalls<K, V> {
  private final Map<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

  /** The call for {@code key}: the one running, else {@code start}'s. */
  public CompletableFuture<V> call(K key, Function<K, CompletableFuture<V>> start) {
    CompletableFuture<V> call = running.computeIfAbsent(key, start);
    call.whenComplete((value, failure) -> running.remove(key, call));
    return call;
  }
}
