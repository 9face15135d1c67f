package io.attache.controlplane.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Maps long lists on the common fork-join pool, keeping their order. A full translation at 50,000
 * Services builds and encodes hundreds of thousands of independent messages; on a machine with more
 * than one core those are shared out in slices, each slice mapped by one function made for it (so a
 * slice may keep a non-thread-safe helper such as a digest). Short lists are mapped on the caller's
 * thread: handing them off would cost more than it saves.
 */
public final class Parallel {
  /** Below this many items a list is mapped on the caller's thread. */
  static final int THRESHOLD = 2_048;

  private static final int SLICE = 512;

  private Parallel() {}

  /** {@code items} mapped by {@code f}, in order; {@code f} may be called from several threads. */
  public static <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> f) {
    return mapSlices(items, () -> f);
  }

  /**
   * {@code items} mapped in order by a function {@code perSlice} makes for each slice: each
   * function is called from one thread only.
   */
  public static <T, R> List<R> mapSlices(
      List<T> items, Supplier<Function<? super T, ? extends R>> perSlice) {
    int size = items.size();
    if (size < THRESHOLD || ForkJoinPool.getCommonPoolParallelism() < 1) {
      return mapSlice(items, 0, size, perSlice.get());
    }
    int slices = (size + SLICE - 1) / SLICE;
    List<List<R>> mapped =
        IntStream.range(0, slices)
            .parallel()
            .mapToObj(
                s ->
                    Parallel.<T, R>mapSlice(
                        items, s * SLICE, Math.min(size, (s + 1) * SLICE), perSlice.get()))
            .toList();
    List<R> all = new ArrayList<>(size);
    mapped.forEach(all::addAll);
    return all;
  }

  private static <T, R> List<R> mapSlice(
      List<T> items, int from, int to, Function<? super T, ? extends R> f) {
    List<R> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(f.apply(items.get(i)));
    }
    return out;
  }
}
