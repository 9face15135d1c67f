package io.attache.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayeredMapTest {
  private static LayeredMap<String, Integer> numbers(int count) {
    Map<String, Integer> base = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      base.put("k" + i, i);
    }
    return LayeredMap.of(base);
  }

  @Test
  void replacedValuesShowWhileTheOriginalMapStaysAsItWas() {
    LayeredMap<String, Integer> before = numbers(1000);
    LayeredMap<String, Integer> after = before.replacing(Map.of("k7", -7, "k999", -999));

    assertThat(after).hasSize(1000).containsEntry("k7", -7).containsEntry("k999", -999);
    assertThat(after.get("k8")).isEqualTo(8);
    assertThat(before).containsEntry("k7", 7);
    // Iteration keeps the base's order, with the replaced values in place.
    assertThat(after.keySet()).startsWith("k0", "k1", "k2").endsWith("k999");
    assertThat(after.values()).contains(-7).doesNotContain(7);
  }

  @Test
  void manyReplacementsFoldIntoANewBaseWithTheSameContent() {
    LayeredMap<String, Integer> map = numbers(300);
    Map<String, Integer> expected = new LinkedHashMap<>(map);
    for (int i = 0; i < 300; i++) {
      map = map.replacing(Map.of("k" + i, i * 10));
      expected.put("k" + i, i * 10);
    }

    assertThat(map).isEqualTo(expected);
    assertThat(map.keySet()).containsExactlyElementsOf(expected.keySet());
  }

  @Test
  void onlyExistingKeysCanBeReplaced() {
    assertThatThrownBy(() -> numbers(3).replacing(Map.of("new", 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
