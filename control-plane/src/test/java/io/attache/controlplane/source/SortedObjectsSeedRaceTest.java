package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fabric8 updates its cache, then hands the event to the handler on its own executor. seed() takes
 * the cache's list and then puts each object: an event the handler got between the two (or while
 * seed iterates 50k objects) is undone by seed.
 */
class SortedObjectsSeedRaceTest {
  private final SortedObjects<Service> objects = new SortedObjects<>(() -> {});

  private static Service service(String version) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("web")
        .withResourceVersion(version)
        .endMetadata()
        .build();
  }

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
    Service web = service("1");
    objects.onAdd(web); // the initial list's add

    objects.seed(informer(List.of(web), () -> objects.onDelete(web, false)));

    // The Service is gone from the cluster and from fabric8's cache; no further event will come.
    assertThat(objects.list()).isEmpty();
  }

  @Test
  void anUpdateDeliveredWhileSeedingIsNotRolledBack() {
    Service v1 = service("1");
    Service v2 = service("2");
    objects.onAdd(v1);

    objects.seed(informer(List.of(v1), () -> objects.onUpdate(v1, v2), v2));

    assertThat(objects.list())
        .extracting(o -> o.getMetadata().getResourceVersion())
        .containsExactly("2");
  }
}
