package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A kind's objects kept in key order by informer events and a seed, as a read converts them. */
class SortedObjectsTest {
  private final AtomicInteger scheduled = new AtomicInteger();
  private final SortedObjects<Service> objects = new SortedObjects<>(scheduled::incrementAndGet);

  private static Service service(String namespace, String name, String version) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withResourceVersion(version)
        .endMetadata()
        .build();
  }

  private List<String> keysAndVersions() {
    return objects.list().stream()
        .map(o -> KubernetesResources.key(o) + "@" + o.getMetadata().getResourceVersion())
        .toList();
  }

  @Test
  void eventsKeepTheObjectsInKeyOrderAndEachSchedulesARead() {
    objects.onAdd(service("shop", "web", "1"));
    objects.onAdd(service("default", "api", "2"));
    objects.onAdd(service("shop", "cart", "3"));
    objects.onUpdate(service("shop", "web", "1"), service("shop", "web", "4"));
    objects.onDelete(service("default", "api", "2"), false);

    assertThat(keysAndVersions()).containsExactly("shop/cart@3", "shop/web@4");
    assertThat(scheduled).hasValue(5);
  }

  @Test
  void anAddReplayedAfterTheCacheWasTakenInIsOverwrittenByTheUpdateAfterIt() {
    // The informer's cache held version 2 when seeded; its add of version 1 was still on its way.
    objects.onAdd(service("shop", "web", "2"));
    objects.onAdd(service("shop", "web", "1"));
    objects.onUpdate(service("shop", "web", "1"), service("shop", "web", "2"));

    assertThat(keysAndVersions()).containsExactly("shop/web@2");
  }

  @Test
  void aDeleteOfAnUnknownFinalStateRemovesTheObject() {
    objects.onAdd(service("shop", "web", "1"));
    objects.onDelete(service("shop", "web", "1"), true);

    assertThat(objects.list()).isEmpty();
  }

  @Test
  void theOrderIsThatOfTheKeyStringsAsTheReadAlwaysSortedThem() {
    // "a-b/x" sorts before "a/x" as strings ('-' < '/'), though namespace "a" sorts before "a-b".
    objects.onAdd(service("a", "x", "1"));
    objects.onAdd(service("a-b", "x", "1"));

    assertThat(objects.list().stream().map(HasMetadata::getMetadata).map(m -> m.getNamespace()))
        .containsExactly("a-b", "a");
  }

  // Seeding. fabric8 updates its cache, then hands the event to the handler on its own executor;
  // seed() lists the cache and then puts each object, so an event handled between the two (or
  // while seed() goes through 50k objects) must not be undone by it.

  /** An informer whose cache lists {@code snapshot}; {@code meanwhile} is the informer thread. */
  @SuppressWarnings("unchecked")
  private static SharedIndexInformer<Service> informer(List<Service> snapshot, Runnable meanwhile) {
    return informer(snapshot, meanwhile, null);
  }

  /** As above; {@code after} is what fabric8's cache holds once the event was applied. */
  @SuppressWarnings("unchecked")
  private static SharedIndexInformer<Service> informer(
      List<Service> snapshot, Runnable meanwhile, Service after) {
    Store<Service> store =
        (Store<Service>)
            Proxy.newProxyInstance(
                Store.class.getClassLoader(),
                new Class<?>[] {Store.class},
                (p, m, a) -> {
                  if (m.getName().equals("list")) {
                    List<Service> taken = List.copyOf(snapshot);
                    meanwhile.run(); // the watch event lands after the list was taken
                    return taken;
                  }
                  if (m.getName().equals("get")) {
                    return after;
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    return (SharedIndexInformer<Service>)
        Proxy.newProxyInstance(
            SharedIndexInformer.class.getClassLoader(),
            new Class<?>[] {SharedIndexInformer.class},
            (p, m, a) -> {
              if (m.getName().equals("getStore")) {
                return store;
              }
              throw new UnsupportedOperationException(m.getName());
            });
  }

  @Test
  void aDeleteDeliveredWhileSeedingStaysDeleted() {
    Service web = service("shop", "web", "1");
    objects.onAdd(web); // the initial list's add

    objects.seed(informer(List.of(web), () -> objects.onDelete(web, false)));

    // The Service is gone from the cluster and from fabric8's cache; no further event will come.
    assertThat(objects.list()).isEmpty();
  }

  @Test
  void anUpdateDeliveredWhileSeedingIsNotRolledBack() {
    Service v1 = service("shop", "web", "1");
    Service v2 = service("shop", "web", "2");
    objects.onAdd(v1);

    objects.seed(informer(List.of(v1), () -> objects.onUpdate(v1, v2), v2));

    assertThat(objects.list())
        .extracting(o -> o.getMetadata().getResourceVersion())
        .containsExactly("2");
  }
}
