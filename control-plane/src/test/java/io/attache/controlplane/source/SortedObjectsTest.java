package io.attache.controlplane.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A kind's objects kept in key order by informer events, as a read converts them. */
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
}
