package io.attache.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private static final List<Integer> MANY =
      IntStream.range(0, Parallel.THRESHOLD * 5 + 17).boxed().toList();

  @Test
  void keepsTheOrderOfAListLongEnoughToShare() {
    assertThat(Parallel.map(MANY, i -> i * 2)).isEqualTo(MANY.stream().map(i -> i * 2).toList());
  }

  @Test
  void mapsAShortListOnTheCallersThread() {
    Thread caller = Thread.currentThread();
    assertThat(Parallel.map(List.of(1, 2, 3), i -> Thread.currentThread())).containsOnly(caller);
  }

  @Test
  void eachSlicesFunctionIsCalledFromOneThreadOnly() {
    Map<Function<?, ?>, Thread> callers = new ConcurrentHashMap<>();
    Map<Function<?, ?>, Boolean> shared = new ConcurrentHashMap<>();
    List<Integer> mapped =
        Parallel.mapSlices(
            MANY,
            () ->
                new Function<Integer, Integer>() {
                  @Override
                  public Integer apply(Integer i) {
                    Thread before = callers.putIfAbsent(this, Thread.currentThread());
                    if (before != null && before != Thread.currentThread()) {
                      shared.put(this, true);
                    }
                    return i + 1;
                  }
                });

    assertThat(mapped).isEqualTo(MANY.stream().map(i -> i + 1).toList());
    assertThat(callers).hasSizeGreaterThan(1);
    assertThat(shared).isEmpty();
  }

  @Test
  void contentVersionsInParallelAreTheOnesComputedOneByOne() {
    List<com.google.protobuf.StringValue> values =
        MANY.stream().map(i -> com.google.protobuf.StringValue.of("value " + i)).toList();
    ContentVersion single = new ContentVersion();

    assertThat(ContentVersion.versions(values)).isEqualTo(values.stream().map(single::of).toList());
  }
}
